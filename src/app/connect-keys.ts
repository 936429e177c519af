/**
 * The keys of a run, each given a client: one lane per key, verified and checked for one
 * workspace before anything is written (see `keyLanes`).
 */

import { clientLimitsFromEnv } from "../api/client-limits.js";
import type { KeyLane } from "../core/run-types.js";
import type { EnvKey } from "../ui/model/key-choices.js";
import { keyLanes } from "./env-keys.js";
import type { Outcome } from "./outcome.js";

export interface ConnectOptions {
	readonly baseUrl: string;
	/** Where `PIVOTAL_REQUEST_MS` and `PIVOTAL_MAX_WAIT_MS` are read. @default no overrides */
	readonly env?: Readonly<Record<string, string | undefined>> | undefined;
	/** @default Date.now */
	readonly now?: (() => number) | undefined;
}

/** Keys given as secrets (a library caller's), named by their place for the messages. */
export function keysOf(secrets: readonly string[]): EnvKey[] {
	return secrets.map((secret, i) => ({ variable: `keys[${i}]`, secret }));
}

export async function connectKeys(
	keys: readonly EnvKey[],
	options: ConnectOptions,
): Promise<Outcome<readonly KeyLane[]>> {
	const limits = options.env ? clientLimitsFromEnv(options.env) : {};
	// The HTTP client (undici, a tenth of a second to load) only for a run that sends: a dry run
	// or a plan checked offline never loads it.
	const { createClient } = await import("../api/client.js");
	return keyLanes(keys, (apiKey, others) =>
		createClient({
			baseUrl: options.baseUrl,
			apiKey,
			alsoMasked: others,
			...(options.now ? { now: options.now } : {}),
			...limits,
		}),
	);
}
