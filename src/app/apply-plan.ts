/**
 * Apply a saved plan (`import --dry-run --plan-out PLAN.json`) exactly as reviewed. Opening it
 * sends nothing: the file is read as untrusted input, its files, map and state must be the ones
 * it was made from (or its own apply, interrupted, is resumed), and the planner must give the
 * very operations it lists. Applying it checks the key's workspace before the first write.
 */

import type { CheckpointData } from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import { locatePlan, type VerifiedPlan, verifyPlan } from "../core/plan/open-plan.js";
import { syncRulesOf } from "../core/plan/plan-file.js";
import { planMarkOf } from "../core/plan/plan-freshness.js";
import type { ImportRun, KeyLane } from "../core/run-types.js";
import { type RunOptions, startImportRun } from "./apply-import.js";
import { type Outcome, refusal } from "./outcome.js";
import { type DatabaseState, readStateHeld } from "./read-state.js";
import { type KeyOptions, onLanes } from "./run-lanes.js";

export interface OpenPlanOptions {
	/** The state file, when it is not where the plan says. @default the plan's */
	readonly statePath?: string | undefined;
	/** The plan's import in a database, connected and locked by the caller. */
	readonly database?: DatabaseState | undefined;
	/** Must be the plan's server when given. @default the plan's */
	readonly baseUrl?: string | undefined;
}

/** A saved plan proven current, ready to apply. */
export interface OpenedPlan extends VerifiedPlan {
	readonly database: DatabaseState | undefined;
}

/** Reads and verifies a saved plan; every refusal ends "Nothing was sent." (exit 2). */
export async function openPlan(
	planPath: string,
	options: OpenPlanOptions = {},
): Promise<Outcome<OpenedPlan>> {
	const located = await locatePlan(planPath, { statePath: options.statePath, baseUrl: options.baseUrl });
	if (!located.ok) return refusal(`${located.sentence} Nothing was sent.`, EXIT.usage);
	const { database } = options;
	return verifyLocated(database ? { ...located, statePath: database.where } : located, database);
}

/** The second step alone, for a caller that located the plan first (to learn where its state is). */
export async function verifyLocated(
	located: Parameters<typeof verifyPlan>[0],
	database: DatabaseState | undefined,
): Promise<Outcome<OpenedPlan>> {
	let read: (() => Promise<CheckpointData | undefined>) | undefined;
	if (database) read = () => database.read();
	else {
		// The file state read under its lock, as undo and a second import read it: a run that holds
		// it is named (exit 6), its state never read half-written and taken for a stale plan
		// (adversarial finding M5).
		const held = await readStateHeld(located.statePath, undefined, false);
		if (!held.ok) return refusal(`${held.message} Nothing was sent.`, held.code);
		read = () => Promise.resolve(held.value);
	}
	const verified = await verifyPlan(located, read);
	if (!verified.ok) return refusal(`${verified.sentence} Nothing was sent.`, EXIT.usage);
	return { ok: true, value: { ...verified, database } };
}

export interface ApplyPlanOptions extends RunOptions, KeyOptions {}

/** Connects the keys, checks their workspace, and starts the plan's run. */
export function applyPlan(opened: OpenedPlan, options: ApplyPlanOptions): Promise<Outcome<ImportRun>> {
	return onLanes(opened.baseUrl, options, async (lanes) => {
		const problem = await planWorkspaceProblem(opened, lanes);
		return problem ?? { ok: true, value: startPlanRun(opened, lanes, options) };
	});
}

/**
 * Why these keys cannot apply the plan, or undefined when they can. With a state, opening it
 * refuses a key of another workspace; without one, the first key is asked (`GET /me`).
 */
export async function planWorkspaceProblem(
	opened: OpenedPlan,
	lanes: readonly KeyLane[],
): Promise<ReturnType<typeof refusal> | undefined> {
	const { plan, state, planPath } = opened;
	const [first] = lanes;
	if (!plan.workspace || state !== undefined || !first) return undefined;
	try {
		const me = first.me ?? (await first.client.me()).data;
		if (me.organization.id === plan.workspace.id) return undefined;
		return refusal(
			`${planPath} was made for the workspace ${JSON.stringify(plan.workspace.name)}, and this key belongs to another; use a key of that workspace or plan again. Nothing was sent.`,
			EXIT.usage,
		);
	} catch (error) {
		const status = (error as { status?: number }).status;
		return status === 401 || status === 403
			? refusal(
					`${planPath} cannot be applied: the API key was refused; check the key. Nothing was sent.`,
					EXIT.auth,
				)
			: refusal(
					`${planPath} cannot be applied: the server did not answer GET /me; check the network and run again. Nothing was sent.`,
					EXIT.interrupted,
				);
	}
}

/** The run of a verified plan on keys already connected: the plan's own rules and options. */
export function startPlanRun(opened: OpenedPlan, lanes: readonly KeyLane[], options: RunOptions): ImportRun {
	const { plan } = opened;
	return startImportRun(
		{ ...opened, fresh: false },
		{
			// The plan's own rules, never the caller's: the operations were reviewed under them.
			rules: syncRulesOf(plan.rules),
			retryFailed: plan.options.retryFailed,
			recreate: plan.options.recreate,
			planMark: planMarkOf(plan.digest),
			expectState: opened.stateSeen,
		},
		lanes,
		options,
	);
}
