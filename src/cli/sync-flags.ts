/**
 * The sync-rule options of `import` (DESIGN.md, "Passes and operations"): their meow table, their
 * help lines, and their check, in one place so the command only passes the rules on.
 */

import type { SyncRules } from "../core/plan/sync-rules.js";

export const SYNC_FLAGS = {
	only: { type: "string" },
	empty: { type: "string" },
	keepPivotalEdits: { type: "boolean", default: false },
	deleteMissing: { type: "boolean", default: false },
	maxDeletes: { type: "number" },
} as const;

export const SYNC_VALUE_NAMES = { only: "create|update", empty: "keep|clear", maxDeletes: "N" };

export const SYNC_HELP = `    --only create|update   create only (never PATCH) or update only (never create: rows
                           with no record are reported not_in_pivotal)
    --empty keep|clear     a cell emptied since the last sync: keep Pivotal's value (default)
                           or clear the field in Pivotal
    --keep-pivotal-edits   read each record before updating it; keep fields edited in Pivotal
                           since the import last wrote them (one GET per record to update)
    --delete-missing       delete the records this import created whose rows are gone
                           (children first; records it found and adopted are never deleted)
    --max-deletes N        refuse the run when a pass would delete more (default: 10 % of the
                           records the pass holds, rounded down: none in a pass under 10)
`;

export interface SyncFlagValues {
	readonly only?: string | undefined;
	readonly empty?: string | undefined;
	readonly keepPivotalEdits?: boolean | undefined;
	readonly deleteMissing?: boolean | undefined;
	readonly maxDeletes?: number | undefined;
}

/** The rules the flags ask for, or the one sentence that says what is wrong with them. */
export function syncRulesFrom(
	flags: SyncFlagValues,
): { readonly ok: true; readonly rules: SyncRules } | { readonly ok: false; readonly message: string } {
	if (flags.only !== undefined && flags.only !== "create" && flags.only !== "update")
		return { ok: false, message: `--only takes create or update, not “${flags.only.slice(0, 40)}”.` };
	if (flags.empty !== undefined && flags.empty !== "keep" && flags.empty !== "clear")
		return { ok: false, message: `--empty takes keep or clear, not “${flags.empty.slice(0, 40)}”.` };
	const max = flags.maxDeletes;
	if (max !== undefined && !(Number.isInteger(max) && max >= 0))
		return { ok: false, message: `--max-deletes must be a whole number of at least 0, not ${max}.` };
	if (max !== undefined && !flags.deleteMissing)
		return { ok: false, message: "--max-deletes goes with --delete-missing." };
	if (flags.only === "create" && flags.empty === "clear")
		return {
			ok: false,
			message: "--empty clear changes records, which --only create never does; give one of them.",
		};
	if (flags.only === "create" && flags.keepPivotalEdits)
		return {
			ok: false,
			message: "--keep-pivotal-edits guards updates, which --only create never sends; give one of them.",
		};
	return {
		ok: true,
		rules: {
			...(flags.only === "create" || flags.only === "update" ? { only: flags.only } : {}),
			...(flags.empty === "clear" ? { empty: "clear" as const } : {}),
			...(flags.keepPivotalEdits ? { keepPivotalEdits: true } : {}),
			...(flags.deleteMissing ? { deleteMissing: true } : {}),
			...(max === undefined ? {} : { maxDeletes: max }),
		},
	};
}

/** The rules as the plan's header line says them, or undefined for none. */
export function rulesText(rules: SyncRules | undefined): string | undefined {
	if (!rules) return undefined;
	const parts: string[] = [];
	if (rules.only) parts.push(`--only ${rules.only}`);
	if (rules.empty === "clear") parts.push("--empty clear");
	if (rules.keepPivotalEdits) parts.push("--keep-pivotal-edits");
	if (rules.deleteMissing)
		parts.push(
			`--delete-missing${rules.maxDeletes === undefined ? "" : ` --max-deletes ${rules.maxDeletes}`}`,
		);
	return parts.length > 0 ? parts.join(" ") : undefined;
}
