/**
 * Undo: plan from the state what taking back the last run (or every run) means — delete what it
 * created, put back what it changed, recreate what it deleted — then apply that plan with the
 * import's engine. The plan reads the state only; nothing is sent until `applyUndo`.
 */

import { RUNS } from "../core/checkpoint/checkpoint-format.js";
import { createsInDoubtOf, landedNotFoundOf } from "../core/checkpoint/creates-in-doubt.js";
import type { CheckpointData } from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import { interruptedRun, otherServer } from "../core/open-state.js";
import type { ImportRun, KeyLane } from "../core/run-types.js";
import {
	planUndo as planUndoOf,
	runTakenBackAlready,
	type UndoPlan,
	type UndoScope,
} from "../core/undo/undo-plan.js";
import { startUndo } from "../core/undo/undo-run.js";
import { PASSES } from "../model/records.js";
import { depsOf, type RunOptions } from "./apply-import.js";
import { type Outcome, refusal } from "./outcome.js";
import { type DatabaseState, readStateHeld } from "./read-state.js";
import { type KeyOptions, onLanes } from "./run-lanes.js";

export interface OpenUndoOptions {
	/** The state of the import to take back (a file path), unless `database` is given. */
	readonly statePath: string;
	readonly database?: DatabaseState | undefined;
	/** The server the undo will talk to: a state made against another is refused. */
	readonly baseUrl: string;
	/** The most recent run, or every run. @default { kind: "last" } */
	readonly scope?: UndoScope | undefined;
}

/** An undo ready to confirm and apply. */
export interface OpenedUndo {
	readonly plan: UndoPlan;
	/** Records it deletes, restores or recreates. */
	readonly changes: number;
	/** The run that started last and did not finish, if one did not. */
	readonly interrupted: number | undefined;
	/**
	 * Creates sent with no answer: they may be in Pivotal, and no undo can take back what its
	 * state cannot name (adversarial finding U5). A run of the import looks them up first.
	 */
	readonly createsInDoubt: number;
	/** Of those, creates Pivotal said landed that the import did not find since (`landed_not_found`). */
	readonly landedNotFound: number;
	/** The customers file the state's import was made from, as its header names it. */
	readonly madeFrom: string | undefined;
	/** The import's last run: later than the plan's when the runs since changed nothing (finding X8). */
	readonly lastRun: number;
	/** The workspace the state was written in, when it kept it. */
	readonly workspace: string | undefined;
	readonly scope: UndoScope;
	readonly statePath: string;
	readonly database: DatabaseState | undefined;
	readonly baseUrl: string;
}

export async function openUndo(options: OpenUndoOptions): Promise<Outcome<OpenedUndo>> {
	const { database, statePath } = options;
	const read = await readStateHeld(statePath, database, false);
	if (!read.ok) return read;
	const state = read.value;
	if (!state)
		return refusal(
			database
				? `There is no import state at ${statePath}, so there is nothing to undo; give the --name the import ran under.`
				: `There is no import state at ${statePath}, so there is nothing to undo; give the customers file the import ran with, or --checkpoint FILE.`,
			EXIT.usage,
		);
	// Another server answers 404 to every DELETE, which would read as done: refused before any request.
	const server = otherServer(state.header, options.baseUrl, statePath);
	if (server) return refusal(server, EXIT.usage);
	const scope = options.scope ?? { kind: "last" };
	const { plan, interrupted } = undoPlanOf(state, scope);
	// Right after an undo finished the last run, the plan's run is an earlier one: asked for with
	// --previous only, or a retried step would take a second run back (adversarial finding Q1).
	const undone =
		scope.kind === "last" && scope.previous !== true && interrupted === undefined
			? runTakenBackAlready(state.counters, state.counters[RUNS] ?? 0, plan.runs)
			: undefined;
	if (undone !== undefined) {
		const since =
			undone.runsSince === 0
				? "an undo finished it, and the import has not run since"
				: `an undo finished it, and the ${undone.runsSince === 1 ? "run" : `${undone.runsSince} runs`} of the import since changed nothing`;
		return refusal(
			`Run ${undone.undone} of this import is taken back already (${since}); nothing was sent. To take back run ${plan.runs[plan.runs.length - 1]}, the last one that changed something and is not taken back, add --previous.`,
			EXIT.ok,
		);
	}
	const changes = PASSES.reduce(
		(n, pass) => n + plan.counts[pass].delete + plan.counts[pass].restore + (plan.counts[pass].recreate ?? 0),
		0,
	);
	const workspace = state.header.workspace?.name;
	const createsInDoubt = createsInDoubtOf(state);
	const landedNotFound = createsInDoubt > 0 ? landedNotFoundOf(state) : 0;
	return {
		ok: true,
		value: {
			plan,
			changes,
			interrupted,
			createsInDoubt,
			landedNotFound,
			madeFrom: state.header.sources.customers?.path,
			lastRun: state.counters[RUNS] ?? 0,
			workspace,
			scope,
			statePath,
			database,
			baseUrl: options.baseUrl,
		},
	};
}

/** The undo plan of a state as read: an interrupted last run is the one "last" takes back. */
export function undoPlanOf(
	state: CheckpointData,
	scope: UndoScope,
): { readonly plan: UndoPlan; readonly interrupted: number | undefined } {
	const { records } = state;
	const interrupted = interruptedRun(state.counters);
	return { plan: planUndoOf((pass) => records[pass].entries(), scope, interrupted), interrupted };
}

export interface ApplyUndoOptions extends RunOptions, KeyOptions {}

/** Starts the undo; refused (nothing sent) when a key is unsound. */
export function applyUndo(opened: OpenedUndo, options: ApplyUndoOptions): Promise<Outcome<ImportRun>> {
	return onLanes(opened.baseUrl, options, (lanes) => ({
		ok: true,
		value: startUndoRun(opened, lanes, options),
	}));
}

/** What an undo run needs: the CLI's `OpenedUndo`, or the wizard's choice after an import. */
export type RunnableUndo = Pick<OpenedUndo, "statePath" | "scope" | "baseUrl"> & {
	readonly database?: OpenedUndo["database"];
};

export function startUndoRun(
	opened: RunnableUndo,
	lanes: readonly KeyLane[],
	options: RunOptions,
): ImportRun {
	const [first] = lanes;
	if (!first) throw new Error("An undo needs at least one key.");
	const run = startUndo(
		{
			checkpointPath: opened.statePath,
			scope: opened.scope,
			keyFingerprint: first.fingerprint,
			baseUrl: opened.baseUrl,
			...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
			...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
		},
		depsOf(lanes, opened.database, options),
		options.signal ? { signal: options.signal } : {},
	);
	if (options.onEvent) run.subscribe(options.onEvent);
	return run;
}

export { createsInDoubtOf, landedNotFoundOf };
