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
import { deriveSlug } from "../../source/slug/index.js";
import { isCreateMaybeMade } from "../checkpoint/state-map.js";
import { type Renames, textOf } from "./id-shift.js";
import { looseName } from "./legacy-keys.js";

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
	/** The customer is in the file, renamed by its row: the line, and the name it takes. */
	readonly renamedBy?: { readonly line: number; readonly to: string };
	/** The customer's row is in the file, left out as invalid: its new values are not known. */
	readonly isLeftOut?: boolean;
}

export { idShape };

/** A CRM id as a tool may have re-typed it too (`idShape`), with its column. */
const crmKey = (field: string, value: string): string => `${field}\u0000${idShape(value)}`;

/** The new customer rows of a sync, then the refusal of those that look like a customer gone from the file. */
export class LookalikeRows {
	readonly #byShape = new Map<string, NewRow>();
	readonly #byCrmId = new Map<string, NewRow>();
	/** By slug (the file's, or the one derived from the name) and by name but for spelling. */
	readonly #bySlug = new Map<string, NewRow>();
	readonly #byName = new Map<string, NewRow>();

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
		// An id column changed (a map pointed at another, a CRM that re-keyed its records): the row
		// has nothing of the old id, but its name and slug are the customer's (finding V6).
		const slug = textOf(record.body.slug) ?? record.slug;
		if (slug !== undefined && !this.#bySlug.has(slug)) this.#bySlug.set(slug, row);
		const name = textOf(record.body.name);
		const loose = name === undefined ? "" : looseName(name);
		if (loose !== "" && !this.#byName.has(loose)) this.#byName.set(loose, row);
	}

	/**
	 * The row with the slug, else the name but for spelling, of the state's customer `values`; a
	 * customer made without a slug of its own was sent the one its name derives (finding W1).
	 */
	#bySlugOrName(stateKey: string, values: Readonly<Record<string, unknown>>): Lookalike | undefined {
		const written = textOf(values.slug);
		const name = textOf(values.name);
		const tie = (field: "slug" | "name", value: string | undefined, row: NewRow | undefined) =>
			row === undefined || value === undefined ? undefined : { row, stateKey, crmId: { field, value } };
		const derived = written === undefined && name !== undefined ? deriveSlug(name, stateKey) : undefined;
		return (
			tie("slug", written, written === undefined ? undefined : this.#bySlug.get(written)) ??
			tie("name", name, name === undefined ? undefined : this.#byName.get(looseName(name))) ??
			tie("slug", derived, derived === undefined ? undefined : this.#bySlug.get(derived))
		);
	}

	/**
	 * The rows that look like a customer of the state (`keys`, read with `get`) that the file
	 * does not hold (`isInFile`), first by the id's shape, else by a CRM id.
	 */
	find(
		keys: Iterable<string>,
		get: (key: string) => RecordState | undefined,
		isInFile: (key: string) => boolean,
		renames: Pick<Renames, "list" | "crmIds"> = { list: [], crmIds: [] },
		/** In the file by a row `--skip-invalid` leaves out: compared all the same, by its old values (finding Y12). */
		isLeftOut: (key: string) => boolean = () => false,
	): Lookalike[] {
		const found: Lookalike[] = [];
		const named = new Set<string>();
		if (this.#byShape.size === 0) return found;
		for (const stateKey of keys) {
			const isLeft = isLeftOut(stateKey);
			if (isInFile(stateKey) && !isLeft) continue;
			// A customer in Pivotal, or a create left in doubt: it may be there (adversarial finding S2).
			const state = get(stateKey);
			const copy = copyOf(state);
			if (copy === undefined && !isCreateMaybeMade(state)) continue;
			// An in-doubt create's CRM ids are kept with its mark (finding T15).
			const values = copy?.v ?? (state?.s === "sent" || state?.s === "failed" ? state.ids : undefined) ?? {};
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
			if (lookalike === undefined) lookalike = this.#bySlugOrName(stateKey, values);
			if (lookalike === undefined || named.has(lookalike.row.key)) continue;
			named.add(lookalike.row.key);
			found.push(isLeft ? { ...lookalike, isLeftOut: true } : lookalike);
		}
		// A customer of the file renamed: a new row taking its old name is an id shift (finding X2).
		for (const away of renames.list) {
			const row = this.#byName.get(looseName(away.from));
			if (row === undefined || named.has(row.key)) continue;
			named.add(row.key);
			found.push({
				row,
				stateKey: away.key,
				crmId: { field: "name", value: away.from },
				renamedBy: { line: away.line, to: away.to },
			});
		}
		// One whose CRM id changes: a new row carrying the old one (finding Y7).
		for (const away of renames.crmIds) {
			const row = this.#byCrmId.get(crmKey(away.field, away.from));
			if (row === undefined || named.has(row.key)) continue;
			named.add(row.key);
			found.push({
				row,
				stateKey: away.key,
				crmId: { field: away.field, value: away.from },
				renamedBy: { line: away.line, to: away.to },
			});
		}
		return found.sort((a, b) => a.row.line - b.row.line);
	}
}

/**
 * The sentence that refuses a plan with look-alike rows, the first few named. With
 * `--delete-missing` (`isDeleting`) a dropped customer would not stay beside the new one: it
 * would be deleted, with what hangs under it (finding X6).
 */
export function lookalikeRefusal(
	file: string,
	found: readonly Lookalike[],
	isDeleting = false,
	shown = 3,
): string | undefined {
	const first = found[0];
	if (first === undefined) return undefined;
	const each = found.slice(0, shown).map(describe).join("; ");
	const more = found.length > shown ? ` (and ${found.length - shown} more rows like these)` : "";
	const they = found.length === 1 ? "it" : "each";
	const instead =
		isDeleting && found.some((f) => f.renamedBy === undefined)
			? "take the place of the one this import holds under the old id, which --delete-missing would delete with its contacts and onboardings"
			: "be a second customer beside the one this import holds under the old id";
	const created = `Created, ${they} would ${instead} (an import keeps a customer under the external_id it made or found it with), and nothing was sent.`;
	// Tied by the name or the slug alone: the ids changed, not re-typed (finding V6).
	if (found.every((f) => f.crmId?.field === "name" || f.crmId?.field === "slug")) {
		const fields = new Set(found.map((f) => (f.crmId?.field === "slug" ? "slugs" : "names")));
		const renamed = found.some((f) => f.renamedBy !== undefined)
			? " A customer renamed while a new one takes its old name: rename it in one run, add the new one in the next."
			: "";
		return `${file}: ${each}${more}. ${created} If the export's ids changed (a map that reads another id column, a CRM that re-keyed its records, every row under the id of the row before it), put the old ids back: an import keeps its customers under the ids it made them with, and --fresh would not find them by another id either. If they really are other customers, give them other ${[...fields].sort().join(" and ")}.${renamed}`;
	}
	return `${file}: ${each}${more}. ${created} Put the ids back as they were (a spreadsheet or a script re-typed them: format the column as Text and export again); if they really are other customers, give them ids that do not read as the old ones', or run once with --fresh, which sets the whole state aside: every customer is then looked up in Pivotal and adopted as found, so --delete-missing and undo no longer act on what earlier runs created.`;
}

function describe({ row, stateKey, crmId, renamedBy, isLeftOut }: Lookalike): string {
	const tie = crmId === undefined ? "" : ` with the same ${crmId.field} ${JSON.stringify(crmId.value)}`;
	const where =
		renamedBy !== undefined
			? `that line ${renamedBy.line} now gives the ${crmId?.field ?? "name"} ${JSON.stringify(renamedBy.to)}`
			: isLeftOut
				? "whose row is left out as invalid"
				: "that the file no longer holds";
	return `line ${row.line}'s new external_id ${JSON.stringify(row.key)} looks like ${JSON.stringify(stateKey)}, a customer of this import${tie} ${where}`;
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
	// Its name too: a re-keyed row carries nothing else of it (finding W11).
	const name = textOf(body.name);
	if (name !== undefined) {
		ids.name = name;
		count += 1;
	}
	for (const field of CRM_ID_FIELDS) {
		const value = textOf(body[field]);
		if (value === undefined) continue;
		ids[field] = value;
		count += 1;
	}
	return count === 0 ? undefined : ids;
}
