/**
 * What the sync rules did (a run) or would do (a dry run), counted per pass for the reports a CI
 * job reads: the Markdown summary and the `--notify` payload. A run counts the records deleted
 * (`--delete-missing`), the rows not created (`not_in_pivotal`, `--only update`) and the records
 * whose fields `--keep-pivotal-edits` kept (`edited_in_pivotal`); a plan counts what it would
 * delete, leave out and clear.
 */

import { EDITED_IN_PIVOTAL, NOT_IN_PIVOTAL } from "../core/plan/sync-rules.js";
import { PASSES, type PassName } from "../model/records.js";
import type { RunReport } from "./run-report.js";

export interface RunSyncOutcome {
	readonly deleted: number;
	readonly notInPivotal: number;
	/** Records with at least one field kept because it was edited in Pivotal. */
	readonly editedInPivotal: number;
}

export interface PlanSyncOutcome {
	readonly toDelete: number;
	readonly notInPivotal: number;
	/** Records with a field `--empty clear` clears (or would, under `--empty keep`). */
	readonly cleared: number;
	/** Reads `--keep-pivotal-edits` makes before the updates. */
	readonly reads: number;
}

export type SyncOutcomes =
	| { readonly kind: "run"; readonly passes: Partial<Record<PassName, RunSyncOutcome>> }
	| { readonly kind: "plan"; readonly passes: Partial<Record<PassName, PlanSyncOutcome>> };

/** Per pass, only passes where a rule did something; undefined when none did (or an undo). */
export function syncOutcomes(report: RunReport): SyncOutcomes | undefined {
	if (report.command === "undo") return undefined;
	if (report.plan) {
		const plan = report.plan;
		const clears = plan.rules?.empty === "clear";
		const passes: Partial<Record<PassName, PlanSyncOutcome>> = {};
		for (const pass of PASSES) {
			const p = plan.passes[pass];
			const outcome = {
				toDelete: p.deleteCount ?? 0,
				notInPivotal: p.notInPivotal ?? 0,
				cleared: clears ? (p.emptied ?? 0) : 0,
				reads: p.reads ?? 0,
			};
			if (Object.values(outcome).some((n) => n > 0)) passes[pass] = outcome;
		}
		return Object.keys(passes).length > 0 ? { kind: "plan", passes } : undefined;
	}
	const summary = report.summary;
	if (!summary) return undefined;
	const passes: Partial<Record<PassName, RunSyncOutcome>> = {};
	for (const pass of PASSES) {
		const notes = (report.failures ?? []).filter((f) => f.pass === pass);
		const outcome = {
			deleted: summary.passes[pass].deleted,
			notInPivotal: notes.filter((n) => n.code === NOT_IN_PIVOTAL).length,
			editedInPivotal: new Set(notes.filter((n) => n.code === EDITED_IN_PIVOTAL).map((n) => n.key)).size,
		};
		if (Object.values(outcome).some((n) => n > 0)) passes[pass] = outcome;
	}
	return Object.keys(passes).length > 0 ? { kind: "run", passes } : undefined;
}

/** The totals over the passes, for one line of text. */
export function syncTotals(outcomes: SyncOutcomes): Readonly<Record<string, number>> {
	const totals: Record<string, number> = {};
	for (const counts of Object.values(outcomes.passes))
		for (const [name, n] of Object.entries(counts ?? {}) as [string, number][])
			totals[name] = (totals[name] ?? 0) + n;
	return totals;
}
