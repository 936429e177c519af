/**
 * What the sync rules change in a plan, as the dry run and the plan file's text show it: rows
 * left out by `--only`, fields `--empty clear` cannot empty, the reads `--keep-pivotal-edits`
 * costs, and what `--delete-missing` would delete.
 */

import type { PassPlan } from "../core/plan/make-plan.js";
import type { SyncRules } from "../core/plan/sync-rules.js";
import type { PassName } from "../model/records.js";
import { resourceOf } from "../model/resources.js";

/** The first line of a plan made under rules, or undefined without any. */
export function syncRulesHeader(rules: SyncRules | undefined): string | undefined {
	if (!rules) return undefined;
	const parts: string[] = [];
	if (rules.only === "create") parts.push("create only (no updates)");
	if (rules.only === "update") parts.push("update only (nothing created)");
	if (rules.empty === "clear") parts.push("emptied cells clear the field");
	if (rules.keepPivotalEdits) parts.push("fields edited in Pivotal are kept");
	if (rules.deleteMissing) parts.push("records this import created that are gone from the files are deleted");
	return parts.length > 0 ? `Sync rules: ${parts.join("; ")}.` : undefined;
}

export function syncRuleLines(pass: PassName, p: PassPlan, rules: SyncRules | undefined): string[] {
	const lines: string[] = [];
	const one = singular(pass);
	if ((p.notInPivotal ?? 0) > 0)
		lines.push(
			`${pass}: ${p.notInPivotal} with no ${one} in Pivotal: not created (--only update), reported not_in_pivotal.`,
		);
	if ((p.updatesLeft ?? 0) > 0)
		lines.push(`${pass}: ${p.updatesLeft} changed but left as Pivotal has them (--only create).`);
	const stuck = Object.entries(p.stuck ?? {});
	if (stuck.length > 0) {
		const fields = stuck.map(([field, n]) => `${field} ${n}`).join(", ");
		lines.push(`${pass}: emptied in the file but Pivotal cannot empty the field, left as it is: ${fields}.`);
	}
	if ((p.reads ?? 0) > 0)
		lines.push(
			`${pass}: ${p.reads} read${p.reads === 1 ? "" : "s"} before updating (--keep-pivotal-edits): a field edited in Pivotal since the last sync is kept.`,
		);
	if (rules?.deleteMissing) {
		const count = p.deleteCount ?? 0;
		if (count > 0) {
			lines.push(`${pass}: ${count} to delete (created by this import, gone from the files):`);
			for (const planned of p.deletes ?? []) lines.push(`  ${planned.key} (${planned.copy.id})`);
			if (count > (p.deletes?.length ?? 0)) lines.push(`  …and ${count - (p.deletes?.length ?? 0)} more`);
			// As undo warns: Pivotal keeps a deleted customer's children, out of its lists.
			if (pass === "customers")
				lines.push(
					`Deleting ${count} customer${count === 1 ? "" : "s"}: contacts or onboardings others added under them drop out of Pivotal's lists with them.`,
				);
		}
		const byName = p.deleteKeptByName ?? 0;
		const leftOut = p.deleteKeptLeftOut ?? 0;
		const cutShort = p.deleteKeptCutShort ?? 0;
		const adopted = (p.deleteKept ?? 0) - byName - leftOut - cutShort;
		if (adopted > 0)
			lines.push(
				pass === "customers"
					? `${pass}: ${adopted} gone from the files but kept: found in Pivotal rather than created by this import, or with such a contact or onboarding under it: never deleted.`
					: `${pass}: ${adopted} gone from the files but found in Pivotal, not created by this import: never deleted.`,
			);
		if (leftOut > 0)
			lines.push(
				`${pass}: ${leftOut} gone from the files but kept: a row left out as invalid (--skip-invalid) may be theirs: never deleted.`,
			);
		if (cutShort > 0)
			lines.push(
				`${pass}: ${cutShort} gone from the files but kept: the file's last line (${(p.footerCells ?? []).map((cell) => JSON.stringify(cell)).join(", ")}), skipped as a report footer, may be their row cut short (an export or download that stopped early): never deleted. Check the file is whole.`,
			);
		if (byName > 0)
			lines.push(
				`${pass}: ${byName} gone from the files but kept: rows of the same name under the same customer are still there, and such rows are told apart by their order only: never deleted.`,
			);
	}
	return lines;
}

function singular(pass: PassName): string {
	return resourceOf(pass).one;
}
