/**
 * New contact rows that read as a contact whose create an earlier run sent with no answer, its
 * row gone from the file: the same name under the same customer, another e-mail (a contact is
 * known by its e-mail under its customer, so the row is another record to the state). That create
 * may be in Pivotal. Created, the row would be a second contact for the same person beside it,
 * and the first one no run could reach: its mark resolves only with its row back, and undo cannot
 * name it (adversarial finding AH5). The plan is refused before anything is sent, as a customer
 * re-keyed while its create is in doubt is (lookalike-rows.ts).
 */

import type { RecordState, SourceRecord } from "../../model/records.js";
import { parentKeyOf } from "../../model/resources.js";
import { isCreateMaybeMade } from "../checkpoint/state-map.js";
import { looseName } from "./legacy-keys.js";

interface NewRow {
	readonly line: number;
	readonly key: string;
	readonly name: string;
}

/** A new row, and the create in doubt it reads as. */
interface ReKeyed {
	readonly row: NewRow;
	readonly stateKey: string;
	readonly sent: Readonly<Record<string, unknown>>;
}

/** How many rows the refusal names; the rest are counted. */
const SHOWN = 3;

export class ReKeyedDoubts {
	/** New rows by their customer's key and loose name; the first row of each. */
	readonly #rows = new Map<string, NewRow>();
	/** Creates in doubt whose rows the file holds under their own keys. */
	readonly #held = new Set<string>();

	get size(): number {
		return this.#rows.size;
	}

	/** A row of the file whose state is a create that may have made its record: not gone. */
	hold(key: string): void {
		this.#held.add(key);
	}

	/** A row of the pass the plan creates (no state) while the state may hold creates that made their records. */
	add(record: SourceRecord): void {
		const name = typeof record.body.name === "string" ? record.body.name : undefined;
		if (name === undefined || record.parentKey === undefined) return;
		const at = `${record.parentKey}\u0000${looseName(name)}`;
		if (!this.#rows.has(at)) this.#rows.set(at, { line: record.line, key: record.key, name });
	}

	/**
	 * The sentence refusing the new rows of `file` that read as a create in doubt of `records`
	 * whose row the file no longer holds, undefined when none does.
	 */
	refusal(
		file: string | undefined,
		pass: string,
		records: ReadonlyMap<string, RecordState> | undefined,
	): string | undefined {
		if (this.#rows.size === 0 || file === undefined || records === undefined) return undefined;
		const found: ReKeyed[] = [];
		for (const [stateKey, state] of records) {
			if (!isCreateMaybeMade(state) || this.#held.has(stateKey)) continue;
			const sent = (state.s === "sent" || state.s === "failed" ? state.sv : undefined)?.at(-1);
			const customer = parentKeyOf(pass, stateKey);
			if (sent === undefined || typeof sent.name !== "string" || customer === undefined) continue;
			const row = this.#rows.get(`${customer}\u0000${looseName(sent.name)}`);
			if (row !== undefined) found.push({ row, stateKey, sent });
		}
		if (found.length === 0) return undefined;
		found.sort((a, b) => a.row.line - b.row.line);
		const each = found
			.slice(0, SHOWN)
			.map(
				({ row, sent }) =>
					`line ${row.line}'s ${JSON.stringify(row.name)} (${JSON.stringify(row.key)}) has the name of a contact of its customer whose create an earlier run sent with ${describeSent(sent)} and got no answer (it may be in Pivotal)`,
			)
			.join("; ");
		const more = found.length > SHOWN ? ` (and ${found.length - SHOWN} more rows like these)` : "";
		return `${file}: ${each}${more}. Created, ${found.length === 1 ? "it" : "each"} would be a second contact for the same person beside that one, which no run could then reach; nothing was sent. Put the e-mail it was sent with back for one run: the import looks that create up and records what it finds. With the new e-mail in the run after, a contact is made under it and the first is reported no longer in the files (--delete-missing deletes it, undo takes it back). If it really is another person, give the row another name for that one run.`;
	}
}

function describeSent(sent: Readonly<Record<string, unknown>>): string {
	return typeof sent.email === "string" ? `the e-mail ${JSON.stringify(sent.email)}` : "another identity";
}
