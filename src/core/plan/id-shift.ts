/**
 * Customers of the file renamed by a sync, and the id shifts they reveal: an export whose rows
 * each came under the id of another row (a first row dropped and the rest renumbered, a row
 * inserted at the top, rows dropped by k). Synced, every record would take another's name and
 * values, a new row would be made a second time, and `--delete-missing` would delete customers
 * still in the export (adversarial findings X2, Y1, Z1, Z3). Two or more renames that each take
 * the old name of another customer (renamed too, or dropped) are refused before anything is sent,
 * however the chain ends; one such rename (two accounts merged) and swaps of names go through.
 */

import { copyOf, type RecordState, type SourceRecord } from "../../model/records.js";
import { CRM_ID_FIELDS } from "../../source/row-rules.js";
import { looseName } from "./legacy-keys.js";

/** A customer row of the file that takes another name than the state's: the name it gives up. */
export interface Rename {
	readonly key: string;
	readonly line: number;
	readonly from: string;
	readonly to: string;
}

/** A customer row of the file whose CRM id changes: the id it gives up, and the one it takes. */
export interface CrmIdGivenUp {
	readonly key: string;
	readonly line: number;
	readonly field: string;
	readonly from: string;
	readonly to: string;
}

export class Renames {
	readonly list: Rename[] = [];
	readonly crmIds: CrmIdGivenUp[] = [];

	/**
	 * A customer row of the file with the values the state last wrote for it (`was`): its name
	 * when it changes but for spelling, and the CRM ids it gives up (finding Y7: they moved with
	 * a shift to the row after it).
	 */
	add(record: SourceRecord, was: Readonly<Record<string, unknown>>): void {
		const old = textOf(was.name);
		const now = textOf(record.body.name);
		if (old !== undefined && now !== undefined && looseName(old) !== looseName(now))
			this.list.push({ key: record.key, line: record.line, from: old, to: now });
		for (const field of CRM_ID_FIELDS) {
			const from = textOf(was[field]);
			const to = textOf(record.body[field]);
			if (from !== undefined && to !== undefined && from !== to)
				this.crmIds.push({ key: record.key, line: record.line, field, from, to });
		}
	}

	/**
	 * The sentence refusing the renames that read as an id shift, undefined when they do not. A
	 * rename "takes" another customer's name when its new name is the old name of another customer
	 * of the state: one the file renames too, or one the file dropped (`keys` read with `get`,
	 * `isInFile`). One take is a rename or two accounts merged; two or more, but for a swap or a
	 * cycle of names among the file's rows, are rows under other rows' ids, however the chain ends
	 * (adversarial findings Y1, Z1, Z3).
	 */
	shiftRefusal(
		file: string,
		keys: Iterable<string>,
		get: (key: string) => RecordState | undefined,
		isInFile: (key: string) => boolean,
	): string | undefined {
		if (this.list.length < 2) return undefined;
		const byOld = new Map<string, Rename>();
		for (const rename of this.list) byOld.set(looseName(rename.from), rename);
		const renamedTo = (rename: Rename) => {
			const taken = byOld.get(looseName(rename.to));
			return taken !== undefined && taken.key !== rename.key ? taken : undefined;
		};
		// Dropped customers by name: read only when some rename takes no renamed row's name.
		const wanted = new Set(this.list.filter((r) => renamedTo(r) === undefined).map((r) => looseName(r.to)));
		const dropped = new Map<string, string>();
		if (wanted.size > 0) {
			for (const key of keys) {
				if (isInFile(key)) continue;
				const name = textOf(copyOf(get(key))?.v?.name);
				if (name !== undefined && wanted.has(looseName(name))) dropped.set(looseName(name), key);
			}
		}
		const takes: { readonly rename: Rename; readonly of: string; readonly isDropped: boolean }[] = [];
		for (const rename of this.list) {
			const taken = renamedTo(rename);
			if (taken !== undefined) {
				if (!isInCycle(rename, renamedTo)) takes.push({ rename, of: taken.key, isDropped: false });
				continue;
			}
			const gone = dropped.get(looseName(rename.to));
			if (gone !== undefined && gone !== rename.key) takes.push({ rename, of: gone, isDropped: true });
		}
		if (takes.length < 2) return undefined;
		const shown = takes
			.slice(0, 3)
			.map(
				({ rename: r, of, isDropped }) =>
					`line ${r.line} renames ${JSON.stringify(r.key)} from ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)}, the name of ${JSON.stringify(of)}${isDropped ? ", a customer the file no longer holds" : ", which the file renames"}`,
			)
			.join("; ");
		const more = takes.length > 3 ? ` (and ${takes.length - 3} more renames like these)` : "";
		return `${file}: ${shown}${more}. Rows that take each other's names read as rows under other rows' ids (an id shift): synced, each record would take another's name and values, and --delete-missing would delete customers still in the export; nothing was sent. Put the ids back as the export had them; if these really are renames, make them over several runs, one name taken per run.`;
	}
}

/** Does following the names `rename` takes among the file's renamed rows come back to it (a swap)? */
function isInCycle(rename: Rename, renamedTo: (rename: Rename) => Rename | undefined): boolean {
	const seen = new Set<string>();
	for (let next = renamedTo(rename); next !== undefined && !seen.has(next.key); next = renamedTo(next)) {
		if (next.key === rename.key) return true;
		seen.add(next.key);
	}
	return false;
}

/** A cell's text as the checks compare it: trimmed, a number as written; undefined when empty. */
export function textOf(value: unknown): string | undefined {
	if (typeof value === "number") return String(value);
	if (typeof value !== "string") return undefined;
	const text = value.trim();
	return text.length > 0 ? text : undefined;
}
