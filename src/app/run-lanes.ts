/**
 * The keys a run goes out on: lanes the caller connected (the CLI, the wizard: verified before
 * they asked anything), or lanes made here for a library caller's key strings, whose clients then
 * close with the run.
 */

import type { ImportRun, KeyLane } from "../core/run-types.js";
import { type ConnectOptions, connectKeys, keysOf } from "./connect-keys.js";
import type { Outcome } from "./outcome.js";

export interface KeyOptions {
	/** API keys (all of one workspace): one lane each. Ignored when `lanes` is given. */
	readonly keys?: readonly string[] | undefined;
	/** Keys already connected (`connectKeys`). */
	readonly lanes?: readonly KeyLane[] | undefined;
	/** Client settings for `keys`. @default the run's server, no overrides */
	readonly connect?: Omit<ConnectOptions, "baseUrl"> | undefined;
}

/**
 * Starts a run on the keys: refused (nothing sent) when a key is unsound, the keys disagree, or
 * `start` refuses; clients made here are closed on a refusal, and by the run's `close()`.
 */
export async function onLanes(
	baseUrl: string,
	options: KeyOptions,
	start: (lanes: readonly KeyLane[]) => Outcome<ImportRun> | Promise<Outcome<ImportRun>>,
): Promise<Outcome<ImportRun>> {
	if (options.lanes) return start(options.lanes);
	const lanes = await connectKeys(keysOf(options.keys ?? []), { baseUrl, ...options.connect });
	if (!lanes.ok) return lanes;
	const started = await start(lanes.value);
	if (!started.ok) {
		await Promise.all(lanes.value.map((lane) => lane.client.close()));
		return started;
	}
	return { ok: true, value: closingClients(started.value, lanes.value) };
}

/** The run, whose `close()` also closes the clients made for its keys. */
function closingClients(run: ImportRun, lanes: readonly KeyLane[]): ImportRun {
	const closeRun = run.close.bind(run);
	return Object.assign(run, {
		close: async () => {
			await closeRun();
			await Promise.all(lanes.map((lane) => lane.client.close()));
		},
	});
}
