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
import { isCreateMaybeMade } from "../checkpoint/state-map.js";
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
	/** Rows that hold a create in doubt by its key (a repeated name's place) under another name. */
	readonly #renamed: RespelledDoubt[] = [];
	/** Rows re-spelled from records they cannot be told apart between, in file order. */
	readonly #ties: { readonly row: NewRow; readonly names: readonly string[] }[] = [];

	get size(): number {
		return this.#rows.size + this.#ties.length + this.#renamed.length;
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

	/**
	 * A row whose own key is a create in doubt (`state`): that create is the row's, looked up as
	 * ever, under the name it was sent with. A row in its place under another name (the key of a
	 * repeated name is its place) would be looked up by that name, not found, and made a second
	 * time (finding U2).
	 */
	hold(record: SourceRecord, state: RecordState): void {
		this.#held.add(record.key);
		const sentName = state.s === "sent" || state.s === "failed" ? state.ids?.name : undefined;
		const name = record.body.name;
		if (sentName === undefined || typeof name !== "string" || record.parentKey === undefined) return;
		if (name.trim().normalize("NFC") === sentName.trim().normalize("NFC")) return;
		this.#renamed.push({
			row: { line: record.line, name, customer: record.parentKey },
			stateKey: record.key,
			sentName,
		});
	}

	/**
	 * The rows in the place of a create in doubt under another name, and the new rows that read as
	 * a create in doubt of their customer that no row holds: re-spelled, or of the same name under
	 * another key (a name that started or stopped repeating). Read by key first: a state is read
	 * only for a key of a customer with a new row.
	 */
	find(records: ReadonlyMap<string, RecordState>): RespelledDoubt[] {
		const found: RespelledDoubt[] = [...this.#renamed];
		if (this.#rows.size > 0)
			for (const stateKey of records.keys()) {
				if (this.#held.has(stateKey)) continue;
				const named = parseNamedKey(stateKey);
				const customer = named?.customer ?? /^(.*)\/#\d+$/.exec(stateKey)?.[1];
				if (customer === undefined || !this.#customers.has(customer)) continue;
				const state = records.get(stateKey);
				if (!isCreateMaybeMade(state)) continue;
				// A repeated name's key holds its place, not its name: the mark keeps the name.
				const sentName =
					named?.name ?? (state?.s === "sent" || state?.s === "failed" ? state.ids?.name : undefined);
				if (sentName === undefined) continue;
				const row = this.#rows.get(`${customer}\u0000${looseName(sentName)}`);
				if (row !== undefined) found.push({ row, stateKey, sentName });
			}
		return found.sort((a, b) => a.row.line - b.row.line);
	}
}

/** The sentence that refuses a plan with such rows, the first few named. */
function respelledDoubtRefusal(
	file: string,
	found: readonly RespelledDoubt[],
	shown = 3,
): string | undefined {
	// One sentence per row, naming the first create it reads as.
	const rows = new Map<number, RespelledDoubt>();
	for (const doubt of found) if (!rows.has(doubt.row.line)) rows.set(doubt.row.line, doubt);
	const listed = [...rows.values()];
	if (listed.length === 0) return undefined;
	const each = listed
		.slice(0, shown)
		.map(({ row, sentName }) =>
			// The same name at another place among its repeats: moved, not re-spelled (finding W10).
			row.name === sentName
				? `line ${row.line}'s onboarding ${JSON.stringify(row.name)} of customer ${JSON.stringify(row.customer)} does not stand where a repeated ${JSON.stringify(sentName)} stood (repeated names are told apart by their order), whose create an earlier run sent without an answer`
				: `line ${row.line}'s onboarding ${JSON.stringify(row.name)} of customer ${JSON.stringify(row.customer)} reads as ${JSON.stringify(sentName)}, whose create an earlier run sent without an answer`,
		)
		.join("; ");
	const more = listed.length > shown ? ` (and ${listed.length - shown} more rows like these)` : "";
	const they = listed.length === 1 ? "it" : "each";
	// Not --fresh: a first sync matches onboardings by their exact name, and would make the
	// second one all the same (finding U16).
	return `${file}: ${each}${more}. That create may be in Pivotal: created, ${they} would be a second onboarding in its phase (Pivotal's automations fire again), and nothing was sent. Put the rows back as that run had them (the same names, in the same order) for one run, which looks those creates up and records them, then rename them: a rename is sent as a change of name.`;
}
