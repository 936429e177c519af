/** The requester of a run: its keys' lanes, the retry policy with the run's overrides, and its hooks into the run. */

import type { ImportEvent } from "./events.js";
import type { Ledger } from "./execute/ledger.js";
import { Requester } from "./execute/requester.js";
import { DEFAULT_RETRY_POLICY } from "./execute/retry-policy.js";
import type { RunControl } from "./execute/run-control.js";
import { lanesOf } from "./lanes.js";
import type { RunSettings } from "./run-job.js";
import type { ImportDeps } from "./run-types.js";
import { sleep as defaultSleep } from "./sleep.js";
import type { StartOptions } from "./start-options.js";

export interface RunRequesterHooks {
	readonly control: RunControl;
	readonly now: () => number;
	readonly emit: (event: ImportEvent) => void;
	readonly notice: (level: "warn", message: string) => void;
	/** The run's ledger once the state is open: durability goes through it. */
	readonly ledger: () => Ledger | undefined;
	/** Counts what was sent (requests, 429s, retries), the opening's before the state is open too. */
	readonly count: (counters: Readonly<Record<string, number>>) => void;
}

export function runRequester(
	settings: RunSettings,
	deps: ImportDeps,
	options: StartOptions,
	hooks: RunRequesterHooks,
): Requester {
	const requester: Requester = new Requester({
		lanes: lanesOf(settings, deps, hooks.now),
		control: hooks.control,
		policy: {
			...DEFAULT_RETRY_POLICY,
			...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
			...(options.backoffBaseMs === undefined ? {} : { backoffBaseMs: options.backoffBaseMs }),
			...(options.backoffCapMs === undefined ? {} : { backoffCapMs: options.backoffCapMs }),
		},
		now: hooks.now,
		sleep: deps.sleep ?? defaultSleep,
		random: deps.random ?? Math.random,
		emit: hooks.emit,
		count: hooks.count,
		durable: () => hooks.ledger()?.durable() ?? true,
		onLaneLost: (lane, error) => {
			// With no key left the run stops and says so itself: not "goes on with the others".
			if (!requester.lanes.some((l) => l.isAlive)) return;
			hooks.notice(
				"warn",
				`The key ${lane.label} was refused (${error.status} ${error.code}); it left the pool and the run goes on with the others.`,
			);
		},
	});
	return requester;
}
