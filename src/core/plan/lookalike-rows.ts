/**
 * A sync's new customer rows that look like a customer of the state the file no longer holds: its
 * external_id re-typed by a tool (leading zeros dropped, `.0` added by a script that read the ids
 * as numbers, a spreadsheet's text apostrophe, another case), or one of its CRM ids. Each would be
 * created as a second customer beside the first, silently (the slug is suffixed), and with
 * `--delete-missing` the first deleted with what hangs under it. The plan is refused before
 * anything is sent, naming the row and the customer it looks like (adversarial findings Q12, R5).
 */

import { copyOf, type PassName, type RecordState, type SourceRecord } from "../../model/records.js";
import { isNumbered } from "../../model/resources.js";
import { idShape } from "../../source/id-shape.js";
import { CRM_ID_FIELDS } from "../../source/row-rules.js";
import { isUnansweredCreate } from "../checkpoint/state-map.js";

/** A new row the look-alike check holds: its key, line and CRM ids. */
interface NewRow {
	readonly key: string;
	readonly line: number;
}

/** What the refusal names: the row, the state's customer it looks like, and why. */
interface Lookalike {
	readonly row: NewRow;
	readonly stateKey: string;
	/** The CRM id both carry, when that is what ties them. */
	readonly crmId?: { readonly field: string; readonly value: string };
}

export { idShape };

/** A CRM id as a tool may have re-typed it too (`idShape`), with its column. */
const crmKey = (field: string, value: string): string => `${field}\u0000${idShape(value)}`;

/** The new customer rows of a sync, then the refusal of those that look like a customer gone from the file. */
export class LookalikeRows {
	readonly #byShape = new Map<string, NewRow>();
	readonly #byCrmId = new Map<string, NewRow>();

	get size(): number {
		return this.#byShape.size;
	}

	/** A customer row the plan creates while the state holds customers. */
	add(record: SourceRecord): void {
		const row: NewRow = { key: record.key, line: record.line };
		const shape = idShape(record.key);
		if (!this.#byShape.has(shape)) this.#byShape.set(shape, row);
		for (const field of CRM_ID_FIELDS) {
			const value = textOf(record.body[field]);
			if (value !== undefined && !this.#byCrmId.has(crmKey(field, value)))
				this.#byCrmId.set(crmKey(field, value), row);
		}
	}

	/**
	 * The rows that look like a customer of the state (`keys`, read with `get`) that the file
	 * does not hold (`isInFile`), first by the id's shape, else by a CRM id.
	 */
	find(
		keys: Iterable<string>,
		get: (key: string) => RecordState | undefined,
		isInFile: (key: string) => boolean,
	): Lookalike[] {
		const found: Lookalike[] = [];
		const named = new Set<string>();
		if (this.#byShape.size === 0) return found;
		for (const stateKey of keys) {
			if (isInFile(stateKey)) continue;
			// A customer in Pivotal, or a create left in doubt: it may be there (adversarial finding S2).
			const state = get(stateKey);
			const copy = copyOf(state);
			if (copy === undefined && !isUnansweredCreate(state)) continue;
			// An in-doubt create's CRM ids are kept with its mark (finding T15).
			const values = copy?.v ?? (state?.s === "sent" ? state.ids : undefined) ?? {};
			const byShape = this.#byShape.get(idShape(stateKey));
			let lookalike: Lookalike | undefined =
				byShape !== undefined && byShape.key !== stateKey ? { row: byShape, stateKey } : undefined;
			for (const field of CRM_ID_FIELDS) {
				const value = textOf(values[field]);
				const row = value === undefined ? undefined : this.#byCrmId.get(crmKey(field, value));
				if (row === undefined || value === undefined) continue;
				if (lookalike === undefined) lookalike = { row, stateKey, crmId: { field, value } };
				else if (lookalike.row === row && lookalike.crmId === undefined)
					lookalike = { ...lookalike, crmId: { field, value } };
			}
			if (lookalike === undefined || named.has(lookalike.row.key)) continue;
			named.add(lookalike.row.key);
			found.push(lookalike);
		}
		return found.sort((a, b) => a.row.line - b.row.line);
	}
}

/** The sentence that refuses a plan with look-alike rows, the first few named. */
export function lookalikeRefusal(file: string, found: readonly Lookalike[], shown = 3): string | undefined {
	const first = found[0];
	if (first === undefined) return undefined;
	const each = found.slice(0, shown).map(describe).join("; ");
	const more = found.length > shown ? ` (and ${found.length - shown} more rows like these)` : "";
	const they = found.length === 1 ? "it" : "each";
	return `${file}: ${each}${more}. Created, ${they} would be a second customer beside the one this import holds under the old id (an import keeps a customer under the external_id it made or found it with), and nothing was sent. Put the ids back as they were (a spreadsheet or a script re-typed them: format the column as Text and export again); if they really are other customers, give them ids that do not read as the old ones', or run once with --fresh, which sets the whole state aside: every customer is then looked up in Pivotal and adopted as found, so --delete-missing and undo no longer act on what earlier runs created.`;
}

function describe({ row, stateKey, crmId }: Lookalike): string {
	const tie = crmId === undefined ? "" : ` with the same ${crmId.field} ${JSON.stringify(crmId.value)}`;
	return `line ${row.line}'s new external_id ${JSON.stringify(row.key)} looks like ${JSON.stringify(stateKey)}, a customer of this import${tie} that the file no longer holds`;
}

/**
 * What identifies a create for its in-doubt mark: a customer's CRM ids (finding T15), an
 * onboarding's name (its key holds none when the name repeats: finding U2); undefined for none.
 */
export function doubtIdsOf(
	pass: PassName,
	body: Readonly<Record<string, unknown>>,
): Record<string, string> | undefined {
	if (isNumbered(pass)) {
		const name = textOf(body.name);
		return name === undefined ? undefined : { name };
	}
	if (pass !== "customers") return undefined;
	const ids: Record<string, string> = {};
	let count = 0;
	for (const field of CRM_ID_FIELDS) {
		const value = textOf(body[field]);
		if (value === undefined) continue;
		ids[field] = value;
		count += 1;
	}
	return count === 0 ? undefined : ids;
}

function textOf(value: unknown): string | undefined {
	if (typeof value === "number") return String(value);
	if (typeof value !== "string") return undefined;
	const text = value.trim();
	return text.length > 0 ? text : undefined;
}
