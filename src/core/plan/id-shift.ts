/**
 * Customers of the file renamed by a sync, and the id shifts they reveal: an export whose rows
 * each came under the id of a neighbouring row (a first row dropped and the rest renumbered, a
 * row inserted at the top). Synced, every record would take its neighbour's name and values, a
 * new row would be made a second time, and `--delete-missing` would delete a customer still in
 * the export (adversarial findings X2, Y1). A rename chain of two or more, each row taking the
 * name another renamed customer gives up, that ends at a customer the file dropped, is refused
 * before anything is sent; a single rename to a dropped customer's name (two accounts merged)
 * and name swaps go through.
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
	 * The sentence refusing a rename chain that ends at a customer of the state (`keys`, read with
	 * `get`) the file no longer holds (`isInFile`); undefined when there is none. The state is read
	 * only when one renamed row takes the name another gives up.
	 */
	shiftRefusal(
		file: string,
		keys: Iterable<string>,
		get: (key: string) => RecordState | undefined,
		isInFile: (key: string) => boolean,
	): string | undefined {
		const byOld = new Map<string, Rename>();
		for (const rename of this.list) byOld.set(looseName(rename.from), rename);
		const takes = (rename: Rename) => {
			const taken = byOld.get(looseName(rename.to));
			return taken !== undefined && taken.key !== rename.key ? taken : undefined;
		};
		if (!this.list.some((rename) => takes(rename) !== undefined)) return undefined;
		const dropped = new Map<string, string>();
		for (const key of keys) {
			if (isInFile(key)) continue;
			const name = textOf(copyOf(get(key))?.v?.name);
			if (name !== undefined) dropped.set(looseName(name), key);
		}
		for (const first of this.list) {
			const chain = [first];
			const seen = new Set([first.key]);
			for (let next = takes(first); next !== undefined && !seen.has(next.key); next = takes(next)) {
				chain.push(next);
				seen.add(next.key);
			}
			const last = chain[chain.length - 1]!;
			// A chain that comes back on itself is a swap of names, not a shift.
			if (chain.length < 2 || takes(last) !== undefined) continue;
			const end = dropped.get(looseName(last.to));
			if (end === undefined) continue;
			const links = chain
				.map(
					(r, i) =>
						`${i === 0 ? "line" : "which line"} ${r.line} renames ${JSON.stringify(r.key)} from ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)}, the name ${i + 1 < chain.length ? `${JSON.stringify(chain[i + 1]!.key)} had` : `of ${JSON.stringify(end)}, a customer the file no longer holds`}`,
				)
				.join(", ");
			return `${file}: ${links}. Each row reads as under the id of the row after it (an id shift): synced, each record would take its neighbour's name and values, and --delete-missing would delete a customer still in the export; nothing was sent. Put the ids back as the export had them; if these really are renames, make them over two runs.`;
		}
		return undefined;
	}
}

function textOf(value: unknown): string | undefined {
	if (typeof value === "number") return String(value);
	if (typeof value !== "string") return undefined;
	const text = value.trim();
	return text.length > 0 ? text : undefined;
}
