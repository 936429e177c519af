import { basename } from "node:path";
import { escapeControls } from "../model/terminal-text.js";
/**
 * The undo plan as the command prints it before asking: what goes, what is put back, and the
 * warning. The rows, the fields and the runs are the undo step's (`ui/model/undo-view.ts`).
 */

import type { UndoPlan } from "../core/undo/undo-plan.js";
import {
	keptNote,
	passedOverNote,
	RESTORE_NOTES,
	recreateCounts,
	restoredFields,
	runsLabel,
	UNDO_COLUMNS,
	undoRows,
} from "../ui/model/undo-view.js";

export function undoPlanText(
	plan: UndoPlan,
	workspace: string | undefined,
	/** Whose import: its state, and the customers file it was made from (adversarial finding U18). */
	of?: { readonly state: string; readonly madeFrom: string | undefined; readonly lastRun?: number },
): string {
	const lines: string[] = [];
	const whose =
		of === undefined
			? ""
			: ` of the import ${of.madeFrom === undefined ? "" : `made from ${escapeControls(basename(of.madeFrom))} `}(state ${escapeControls(of.state)})`;
	lines.push(`Undo of ${runsLabel(plan.runs)}${whose}${workspace ? ` in the workspace ${workspace}` : ""}:`);
	const passedOver = passedOverNote(plan, of?.lastRun);
	if (passedOver !== undefined) lines.push(passedOver);
	const [[pass, passWidth], [del, delWidth], [restore, restoreWidth]] = UNDO_COLUMNS;
	lines.push(`${pass.padEnd(passWidth)}${del.padStart(delWidth)}${restore.padStart(restoreWidth)}`);
	for (const row of undoRows(plan)) {
		lines.push(
			`${row.pass.padEnd(passWidth)}${String(row.delete).padStart(delWidth)}${String(row.restore).padStart(restoreWidth)}`,
		);
	}
	const fields = restoredFields(plan);
	if (fields.length > 0) {
		lines.push(`fields put back: ${fields.join(", ")}`);
		for (const note of RESTORE_NOTES) lines.push(`  (${note})`);
	}
	const recreates = recreateCounts(plan);
	if (recreates.length > 0) {
		const what = recreates.map((r) => `${r.count} ${r.pass}`).join(", ");
		lines.push(
			`To re-create (deleted by --delete-missing; Pivotal has no undelete): ${what}, under new ids, with the values the import last wrote.`,
		);
		// Known only when the undo runs: the plan looks nothing up (finding O4).
		lines.push(
			"  (one Pivotal holds again, a customer with its external id or a contact with its e-mail, is reported exists_again and left, not made twice)",
		);
	}
	if (plan.counts.customers.delete > 0) {
		lines.push(
			`Deleting ${plan.counts.customers.delete} customers: contacts or onboardings others added under them drop out of Pivotal's lists with them.`,
		);
	}
	const kept = keptNote(plan);
	if (kept !== undefined) lines.push(kept);
	lines.push("Records found in Pivotal and adopted by the import are never deleted.");
	return `${lines.join("\n")}\n`;
}
