/**
 * New onboarding rows re-spelled from records of their customer that cannot be told which.
 *
 * A new onboarding row whose name is, but for spelling, the name of a create an earlier run sent
 * with no answer (`Kickoff` sent, the row now `Kick-off`). That create may be in Pivotal, and
 * its mark keeps no values to take it over by (legacy-keys.ts takes over only records the state
 * knows): created, the row would be a second onboarding in its phase, and Pivotal's automations
 * would fire again (adversarial finding T8). The plan is refused before anything is sent.
 *
 * And a row re-spelled from records the state knows that it cannot be told apart between
 * (legacy-keys.ts): two as close to it (finding T10), or a row of the name added beside the
 * re-spelled one (T9). Taken, either could be the wrong record, clobbered; made anew, a second
 * onboarding in its phase. Refused too.
 */

import type { RecordState, SourceRecord } from "../../model/records.js";
import { parseNamedKey } from "../../source/onboarding-keys.js";
import { isUnansweredCreate } from "../checkpoint/state-map.js";
import { looseName } from "./legacy-keys.js";

interface NewRow {
	readonly line: number;
	readonly name: string;
	readonly customer: string;
}

/** A new row and the create in doubt it reads as. */
interface RespelledDoubt {
	readonly row: NewRow;
	readonly stateKey: string;
	readonly sentName: string;
}

export class RespelledDoubts {
	/** New rows by their customer's key and loose name; the first row of each. */
	readonly #rows = new Map<string, NewRow>();
	/** The customers of those rows. */
	readonly #customers = new Set<string>();
	/** Creates in doubt that a row of the file holds under their own key. */
	readonly #held = new Set<string>();
	/** Rows re-spelled from records they cannot be told apart between, in file order. */
	readonly #ties: { readonly row: NewRow; readonly names: readonly string[] }[] = [];

	get size(): number {
		return this.#rows.size + this.#ties.length;
	}

	/** A row the state's records of its customer cannot be told apart for (`respelledFrom`). */
	tie(record: SourceRecord): void {
		const name = record.body.name;
		if (record.respelledFrom === undefined || typeof name !== "string" || record.parentKey === undefined)
			return;
		this.#ties.push({
			row: { line: record.line, name, customer: record.parentKey },
			names: record.respelledFrom,
		});
	}

	/** The sentence that refuses the plan, or undefined: rows tied between records first, then creates in doubt re-spelled. */
	refusal(
		file: string | undefined,
		records: ReadonlyMap<string, RecordState> | undefined,
	): string | undefined {
		if (this.size === 0 || file === undefined || records === undefined) return undefined;
		return this.#tieRefusal(file) ?? respelledDoubtRefusal(file, this.find(records));
	}

	#tieRefusal(file: string, shown = 3): string | undefined {
		const ties = this.#ties;
		if (ties.length === 0) return undefined;
		const each = ties
			.slice(0, shown)
			.map(
				({ row, names }) =>
					`line ${row.line}'s onboarding ${JSON.stringify(row.name)} of customer ${JSON.stringify(row.customer)} reads as ${names.map((n) => JSON.stringify(n)).join(" and as ")}, which no row holds as named, and which it stands for cannot be told`,
			)
			.join("; ");
		const more = ties.length > shown ? ` (and ${ties.length - shown} more rows like these)` : "";
		return `${file}: ${each}${more}. Taken, the wrong one could be overwritten; made anew, it would be a second onboarding in its phase (Pivotal's automations fire again), and nothing was sent. For one run, give the row the name of the record it stands for, exactly as it is in Pivotal (and a new row another name), then rename it.`;
	}

	/** A row of a numbered pass (onboardings) the plan creates. */
	add(record: SourceRecord): void {
		const name = record.body.name;
		if (typeof name !== "string" || record.parentKey === undefined) return;
		const loose = looseName(name);
		if (loose === "") return;
		const at = `${record.parentKey}\u0000${loose}`;
		if (!this.#rows.has(at)) this.#rows.set(at, { line: record.line, name, customer: record.parentKey });
		this.#customers.add(record.parentKey);
	}

	/** A row whose own key is a create in doubt: that create is the row's, looked up as ever. */
	hold(key: string): void {
		this.#held.add(key);
	}

	/**
	 * The new rows that read as a create in doubt of their customer that no row holds. Read by key
	 * first: a state is read only for a key a new row reads as.
	 */
	find(records: ReadonlyMap<string, RecordState>): RespelledDoubt[] {
		const found: RespelledDoubt[] = [];
		if (this.#rows.size === 0) return found;
		for (const stateKey of records.keys()) {
			if (this.#held.has(stateKey)) continue;
			const sent = parseNamedKey(stateKey);
			if (sent === undefined || !this.#customers.has(sent.customer)) continue;
			const row = this.#rows.get(`${sent.customer}\u0000${looseName(sent.name)}`);
			if (row === undefined || row.name === sent.name || !isUnansweredCreate(records.get(stateKey))) continue;
			found.push({ row, stateKey, sentName: sent.name });
		}
		return found.sort((a, b) => a.row.line - b.row.line);
	}
}

/** The sentence that refuses a plan with such rows, the first few named. */
export function respelledDoubtRefusal(
	file: string,
	found: readonly RespelledDoubt[],
	shown = 3,
): string | undefined {
	if (found.length === 0) return undefined;
	const each = found
		.slice(0, shown)
		.map(
			({ row, sentName }) =>
				`line ${row.line}'s new onboarding ${JSON.stringify(row.name)} of customer ${JSON.stringify(row.customer)} reads as ${JSON.stringify(sentName)}, whose create an earlier run sent without an answer`,
		)
		.join("; ");
	const more = found.length > shown ? ` (and ${found.length - shown} more rows like these)` : "";
	const they = found.length === 1 ? "it" : "each";
	return `${file}: ${each}${more}. That create may be in Pivotal: created, ${they} would be a second onboarding in its phase (Pivotal's automations fire again), and nothing was sent. Put the name back as it was for one run, which looks the create up and records it, then rename it: the rename is sent as a change of name; or run once with --fresh, which sets the whole state aside.`;
}
