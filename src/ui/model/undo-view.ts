/**
 * The undo plan as people are shown it, by the undo step and by the undo command's text alike
 * (`report/undo-text.ts`), and what the user must type to let it go ahead. Plain text, no React.
 */

import { UNDO_ORDER, type UndoPlan } from "../../core/undo/undo-plan.js";
import type { PassName } from "../../model/records.js";
import { escapeControls } from "../../model/terminal-text.js";

export interface UndoRow {
	readonly pass: PassName;
	readonly delete: number;
	readonly restore: number;
}

/** The table's columns: [header, width]; the first is left-aligned. */
export const UNDO_COLUMNS = [
	["pass", 12],
	["delete", 8],
	["restore", 9],
] as const;

/** Children first, as the undo goes: onboardings, contacts, customers. */
export function undoRows(plan: UndoPlan): readonly UndoRow[] {
	return UNDO_ORDER.map((pass) => ({ pass, ...plan.counts[pass] }));
}

/** Records the undo deletes or puts back. */
export function undoTotal(plan: UndoPlan): number {
	return UNDO_ORDER.reduce(
		(n, pass) => n + plan.counts[pass].delete + plan.counts[pass].restore + (plan.counts[pass].recreate ?? 0),
		0,
	);
}

/**
 * Requests: a DELETE per record created; a GET and a PATCH per record put back (the GET tells a
 * field edited in Pivotal since, which is left alone; nothing left to put back, no PATCH); a
 * create per record re-created, after the list pages read to look for it first (at least).
 */
export function undoRequests(plan: UndoPlan): number {
	return UNDO_ORDER.reduce(
		(n, pass) =>
			n + plan.counts[pass].delete + 2 * plan.counts[pass].restore + (plan.counts[pass].recreate ?? 0),
		plan.listPages ?? 0,
	);
}

/**
 * What "put back" means, under the fields: the values are the import's own record of them, so an
 * edit made in Pivotal before a sync that overwrote it is not what comes back (adversarial
 * finding Q3): only a read before each PATCH could know it, which `--keep-pivotal-edits` pays for.
 */
export const RESTORE_NOTES = [
	"a field edited in Pivotal since the import is kept as it is, and reported",
	"each goes back to the value the import knew before that run; an edit made in Pivotal before a sync overwrote it is not known",
] as const;

/** `customers.name 2, customers.status 1`: the fields put back and on how many records. */
export function restoredFields(plan: UndoPlan): readonly string[] {
	const fields = new Map<string, number>();
	for (const pass of UNDO_ORDER) {
		for (const op of plan.operations[pass]) {
			if (op.kind !== "restore") continue;
			for (const [field, value] of Object.entries(op.before)) {
				const names =
					field === "metadata" && value !== null && typeof value === "object"
						? Object.keys(value).map((k) => `metadata.${k}`)
						: [field];
				for (const name of names) fields.set(`${pass}.${name}`, (fields.get(`${pass}.${name}`) ?? 0) + 1);
			}
		}
	}
	return [...fields].map(([field, n]) => `${field} ${n}`);
}

/** Records a sync deleted (`--delete-missing`) that the undo creates again, per pass that has any. */
export function recreateCounts(
	plan: UndoPlan,
): readonly { readonly pass: PassName; readonly count: number }[] {
	return UNDO_ORDER.flatMap((pass) => {
		const count = plan.counts[pass].recreate ?? 0;
		return count > 0 ? [{ pass, count }] : [];
	});
}

/** `run 3`, `runs 2, 3`, `no run`. */
export function runsLabel(runs: readonly number[]): string {
	if (runs.length === 0) return "no run";
	return runs.length === 1 ? `run ${runs[0]}` : `runs ${runs.join(", ")}`;
}

/** What must be typed to undo: the app layer's rule, which the CLI's prompt asks by too. */
export { confirmationWord } from "../../app/undo-decision.js";

/** Typed text against the word: surrounding spaces forgiven, case not (a workspace name is exact). */
export function isConfirmed(typed: string, word: string): boolean {
	return typed.trim() === word;
}

/**
 * The runs of the import after the one an undo takes back, which changed nothing there is to take
 * back: said, so that an undo of "the last run" after nights that failed or found nothing to do
 * is not taken for one of them (adversarial finding X8). Undefined when there are none.
 */
export function passedOverNote(plan: UndoPlan, lastRun: number | undefined): string | undefined {
	const target = plan.runs[plan.runs.length - 1];
	const last = lastRun ?? 0;
	if (target === undefined || last <= target) return undefined;
	const since =
		last - target === 1
			? `once since: run ${last}`
			: `${last - target} times since: runs ${target + 1}–${last}`;
	return `(The import ran ${since}, which left nothing to take back now.)`;
}

/**
 * Creates that got no answer (a run interrupted, or an answer unread) may be in Pivotal, and an undo cannot name
 * them (adversarial findings U5, AD5): the sentence the undo's plan says it with, on the command
 * line and in the wizard. Undefined when there are none.
 */
export function createsInDoubtNote(count: number, interrupted: number | undefined): string | undefined {
	if (count === 0) return undefined;
	const one = count === 1;
	return `${count} ${one ? "create" : "creates"} of ${interrupted === undefined ? "an earlier run" : `run ${interrupted}`} got no answer: ${one ? "it" : "they"} may be in Pivotal, and this undo cannot take ${one ? "it" : "them"} back.`;
}

/**
 * Of the creates in doubt, those Pivotal said landed and the import did not find since
 * (`landed_not_found`): a run of the import does not find them either, so "run the import
 * first" is no way out for them (adversarial finding AF3). Undefined when there are none.
 */
export function landedNotFoundNote(count: number, inDoubt: number): string | undefined {
	if (count === 0) return undefined;
	const it = count === 1 ? "it" : "them";
	const which =
		count >= inDoubt
			? `Pivotal said ${count === 1 ? "it" : "they"} landed, and the import has not found ${it} since (landed_not_found)`
			: `Of them, ${count} Pivotal said landed, and the import has not found ${it} since (landed_not_found)`;
	return `${which}: running it again does not find ${it} either. Find ${it} in Pivotal (renamed, or given another e-mail or external id there) and delete ${it} there, or give ${it} back the row's external id or e-mail so that the import takes ${it}.`;
}

/**
 * Customers a taken-back run created that the undo leaves: records the import found in Pivotal
 * and adopted are under them (adversarial finding AG2). Undefined when there are none.
 */
export function keptNote(plan: UndoPlan): string | undefined {
	const kept = plan.kept;
	if (kept === undefined) return undefined;
	const one = kept.count === 1;
	const noun = kept.pass === "customers" ? (one ? "customer" : "customers") : kept.pass;
	const more = kept.count > kept.keys.length ? `, and ${kept.count - kept.keys.length} more` : "";
	const keys = kept.keys.map((key) => escapeControls(key)).join(", ");
	return `Kept: ${kept.count} ${noun} this import created (${keys}${more}): ${one ? "it holds" : "they hold"} records the import found in Pivotal and adopted, which a deleted ${one ? noun : noun.replace(/s$/, "")} would take out of Pivotal's lists. Delete ${one ? "it" : "them"} in Pivotal if ${one ? "it is" : "they are"} to go.`;
}

/**
 * What an undo that went on without the creates in doubt, or without the records it keeps
 * (`keptNote`), says at its end. Undefined when there are none.
 */
export function notTakenBackNote(createsInDoubt: number, kept?: UndoPlan["kept"]): string | undefined {
	const parts = [
		...(createsInDoubt > 0
			? [
					`${createsInDoubt} ${createsInDoubt === 1 ? "create" : "creates"} that got no answer, which may be in Pivotal`,
				]
			: []),
		...(kept === undefined ? [] : [keptPart(kept)]),
	];
	// Whole in itself: under --json, and in the Markdown summary, nothing was said above it (AI3).
	return parts.length === 0 ? undefined : `Not taken back: ${parts.join("; ")}.`;
}

/** `1 customer this import created (c1), kept: records it found in Pivotal and adopted are under it` */
export function keptPart(kept: NonNullable<UndoPlan["kept"]>): string {
	const one = kept.count === 1;
	const noun = kept.pass === "customers" ? (one ? "customer" : "customers") : kept.pass;
	const more = kept.count > kept.keys.length ? `, and ${kept.count - kept.keys.length} more` : "";
	const keys = kept.keys.map((key) => escapeControls(key)).join(", ");
	return `${kept.count} ${noun} this import created (${keys}${more}), kept: records it found in Pivotal and adopted are under ${one ? "it" : "them"}`;
}
