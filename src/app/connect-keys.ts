/**
 * The keys of a run, each given a client: one lane per key, verified and checked for one
 * workspace before anything is written (see `keyLanes`).
 */

import { clientLimitsFromEnv } from "../api/client-limits.js";
import { EXIT } from "../core/exit-codes.js";
import type { KeyLane } from "../core/run-types.js";
import type { EnvKey } from "../ui/model/key-choices.js";
import { keyLanes } from "./env-keys.js";
import { type Outcome, refusal } from "./outcome.js";

export interface ConnectOptions {
	readonly baseUrl: string;
	/** Where `PIVOTAL_REQUEST_MS` and `PIVOTAL_MAX_WAIT_MS` are read. @default no overrides */
	readonly env?: Readonly<Record<string, string | undefined>> | undefined;
	/** @default Date.now */
	readonly now?: (() => number) | undefined;
	/**
	 * Hears a key of a pool left out of the run because it could not be verified for a reason of
	 * the moment (see `keyLanes`). @default nothing said
	 */
	readonly warn?: ((message: string) => void) | undefined;
}

/** Keys given as secrets (a library caller's), named by their place for the messages. */
export function keysOf(secrets: readonly string[] | string): EnvKey[] {
	// A script may give one key as a string: it is that key, not its characters.
	const list: readonly unknown[] =
		typeof secrets === "string" ? [secrets] : Array.isArray(secrets) ? secrets : [];
	return list.map((secret, i) => ({
		variable: `keys[${i}]`,
		secret: typeof secret === "string" ? secret : "",
	}));
}

/** A key an HTTP header can carry: printable ASCII without spaces, as Pivotal shows it. */
const SENDABLE = /^[\x21-\x7e]+$/;

/** Why `keys` cannot make a run (no key, or one that cannot be sent), or undefined. */
function keysProblem(keys: readonly EnvKey[]): string | undefined {
	if (keys.length === 0) return 'A run needs an API key: give keys: ["pivotal_…"] (or set PIVOTAL_API_KEY).';
	const bad = keys.find((key) => !SENDABLE.test(key.secret));
	if (bad === undefined) return undefined;
	return `${bad.variable} is not an API key that can be sent: it is empty, or holds a space, a line break or another character an HTTP header cannot carry; give the key as Pivotal shows it.`;
}

export async function connectKeys(
	keys: readonly EnvKey[],
	options: ConnectOptions,
): Promise<Outcome<readonly KeyLane[]>> {
	const problem = keysProblem(keys);
	if (problem !== undefined) return refusal(problem, EXIT.auth);
	const limits = options.env ? clientLimitsFromEnv(options.env) : {};
	// The HTTP client (undici, a tenth of a second to load) only for a run that sends: a dry run
	// or a plan checked offline never loads it.
	const { createClient } = await import("../api/client.js");
	return keyLanes(
		keys,
		(apiKey, others) =>
			createClient({
				baseUrl: options.baseUrl,
				apiKey,
				alsoMasked: others,
				...(options.now ? { now: options.now } : {}),
				...limits,
			}),
		options.warn,
	);
}
