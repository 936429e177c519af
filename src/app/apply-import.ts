/**
 * Apply an import's plan: the engine sends it, paced per key, retried with idempotency keys and
 * checkpointed record by record. Progress comes as typed events (`ImportEvent`); the returned
 * run can be paused, stopped, retried and asked for each record's outcome.
 */

import { startImport } from "../core/engine.js";
import type { ImportEvent } from "../core/events.js";
import type { ImportRun, KeyLane } from "../core/run-types.js";
import { type ConnectOptions, connectKeys, keysOf } from "./connect-keys.js";
import type { OpenedImport } from "./open-import.js";
import type { Outcome } from "./outcome.js";
import type { PlannedImport } from "./plan-import.js";

export interface RunOptions {
	/** Requests in flight at most. @default chosen from the keys' rate limit */
	readonly concurrency?: number | undefined;
	/** The server's rate-limit window, ms, when told. @default learnt from the server's headers */
	readonly windowMs?: number | undefined;
	/** Aborting it stops the run gracefully (outcome `interrupted`, resumable). */
	readonly signal?: AbortSignal | undefined;
	/** Every event of the run, from its start. */
	readonly onEvent?: ((event: ImportEvent) => void) | undefined;
}

export interface ApplyImportOptions extends RunOptions {
	/** API keys (all of one workspace): one lane each. Ignored when `lanes` is given. */
	readonly keys?: readonly string[] | undefined;
	/** Keys already connected (`connectKeys`): the CLI's, verified before it asked. */
	readonly lanes?: readonly KeyLane[] | undefined;
	/** Client settings for `keys`. @default the import's server, no overrides */
	readonly connect?: Omit<ConnectOptions, "baseUrl"> | undefined;
}

/** Starts the run; refused (nothing sent) when a key is unsound or the keys disagree. */
export async function applyImport(
	opened: OpenedImport,
	planned: PlannedImport,
	options: ApplyImportOptions,
): Promise<Outcome<ImportRun>> {
	const lanes = options.lanes
		? { ok: true as const, value: options.lanes }
		: await connectKeys(keysOf(options.keys ?? []), { baseUrl: opened.baseUrl, ...options.connect });
	if (!lanes.ok) return lanes;
	const run = startImportRun(opened, planned, lanes.value, options);
	return { ok: true, value: options.lanes ? run : closingClients(run, lanes.value) };
}

/** The run, whose `close()` also closes the clients this layer made for its keys. */
export function closingClients(run: ImportRun, lanes: readonly KeyLane[]): ImportRun {
	const closeRun = run.close.bind(run);
	return Object.assign(run, {
		close: async () => {
			await closeRun();
			await Promise.all(lanes.map((lane) => lane.client.close()));
		},
	});
}

/** The run itself, on keys already connected. */
export function startImportRun(
	opened: OpenedImport,
	planned: PlannedImport,
	lanes: readonly KeyLane[],
	options: RunOptions,
): ImportRun {
	const [first] = lanes;
	if (!first) throw new Error("An import needs at least one key.");
	const run = startImport(
		{
			files: opened.files,
			checkpointPath: opened.statePath,
			keyFingerprint: first.fingerprint,
			keyFingerprints: lanes.map((lane) => lane.fingerprint),
			baseUrl: opened.baseUrl,
			fresh: opened.fresh,
			retryFailed: planned.retryFailed,
			recreate: planned.recreate,
			rules: planned.rules,
			...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
			check: opened.check,
			source: opened.source,
			...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
		},
		{ client: first.client, keys: lanes, ...(opened.database ? { openState: opened.database.open } : {}) },
		options.signal ? { signal: options.signal } : {},
	);
	if (options.onEvent) run.subscribe(options.onEvent);
	return run;
}
