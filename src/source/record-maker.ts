/**
 * One row → one `SourceRecord`, synchronously: the part of reading records that does not read.
 * Shared by `readRecords` (the pass on the way to the wire) and by validation when it plans as
 * it checks (core/plan/check-and-plan.ts), so a row read once is both checked and planned, and
 * both paths build exactly the same record from it.
 */

import type { PassName, SourceRecord } from "../model/records.js";
import { type ResourceDef, resourceOf } from "../model/resources.js";
import type { CsvRow } from "./csv-rows.js";
import type { ResolvedHeader } from "./header.js";
import type { FileLayout } from "./layout.js";
import { OnboardingNames, onboardingKey } from "./onboarding-keys.js";
import { buildBody, idColumnOf, isBlank } from "./schema.js";
import type { FileSlugs } from "./slug/index.js";

function originalColumns(header: readonly string[], cells: readonly string[]): Record<string, string> {
	const columns: Record<string, string> = {};
	for (let i = 0; i < header.length && i < cells.length; i++) {
		const name = header[i]!;
		// A repeated header name keeps its first cell, as validation does.
		if (!Object.hasOwn(columns, name)) columns[name] = cells[i]!;
	}
	return columns;
}

const NO_COLUMNS: Readonly<Record<string, string>> = Object.freeze({});

export class RecordMaker {
	readonly pass: PassName;
	readonly layout: FileLayout;
	/** The header and map leave every row's cells where the checks expect them. */
	readonly isUsable: boolean;
	/**
	 * Records of a pass that derives slugs (customers) without a slug get one derived from the
	 * name: set before the first such row.
	 */
	slugs: FileSlugs | undefined;
	readonly #names: readonly string[];
	/** The table's entry of the pass: how a row is keyed, its parent. */
	readonly #def: ResourceDef;
	/** Keyed within a parent by a column (contacts, onboardings); undefined at the top level. */
	readonly #within:
		| { readonly column: string; readonly fold?: boolean; readonly numbered?: boolean }
		| undefined;
	/** The cell that is the record's key (top level) or its parent's key. */
	readonly #idAt: number;
	/** The cell that keys a record within its parent. */
	readonly #keyAt: number;
	readonly #nameAt: number;
	readonly #slugAt: number;
	readonly #fields: readonly string[];
	readonly #skipped: ReadonlySet<number> | undefined;
	readonly #nameCounts: OnboardingNames;
	/** Onboardings per customer so far, over every row naming it, valid or not. */
	readonly #seen = new Map<string, number>();
	readonly #isPlanOnly: boolean;

	/**
	 * `names`: the file's header row as written. `nameCounts`: for onboardings, how many rows of
	 * each customer carry each name (the whole file's, known before the first row is keyed).
	 * `isPlanOnly`: records only planned, never sent or listed (see `PlannedRecord`).
	 */
	constructor(
		pass: PassName,
		layout: FileLayout,
		names: readonly string[],
		skipLines: readonly number[] | undefined,
		nameCounts: OnboardingNames = new OnboardingNames(),
		isPlanOnly = false,
	) {
		this.pass = pass;
		this.layout = layout;
		this.#names = names;
		const header = layout.header;
		this.isUsable = !header.issues.some((i) => i.column === undefined) && layout.mapProblems.length === 0;
		// The table says how a row is keyed: by its id column (top level), or by a column within its parent.
		const def = resourceOf(pass);
		this.#def = def;
		this.#within = "column" in def.key ? def.key : undefined;
		this.#idAt = header.indexOf.get(idColumnOf(pass)) ?? -1;
		this.#keyAt = this.#within === undefined ? -1 : (header.indexOf.get(this.#within.column) ?? -1);
		this.#nameAt = header.indexOf.get("name") ?? -1;
		this.#slugAt = header.indexOf.get("slug") ?? -1;
		this.#fields = header.columns.flatMap((c) =>
			c.spec.field === undefined ? [] : [c.isMetadata ? `metadata.${c.spec.field}` : c.spec.field],
		);
		this.#skipped = skipLines !== undefined && skipLines.length > 0 ? new Set(skipLines) : undefined;
		this.#nameCounts = nameCounts;
		this.#isPlanOnly = isPlanOnly;
	}

	get hasSlugColumn(): boolean {
		return this.#slugAt !== -1;
	}

	/** Whether a row of a pass that derives slugs (its checked cells) leaves the slug to be derived. */
	lacksSlug(cells: readonly string[]): boolean {
		return this.#slugAt === -1 || isBlank(cells[this.#slugAt]!);
	}

	/**
	 * The record of a data row, or undefined for a row not imported: one that failed its own
	 * checks (`isValid` false), or one `--skip-invalid` leaves out. Call it for every data row in
	 * file order (onboardings are numbered over all of them). `cells` are the row as the checks
	 * see it (projected through the map).
	 */
	make(row: CsvRow, cells: readonly string[], isValid: boolean): SourceRecord | undefined {
		const pass = this.pass;
		const id = cells[this.#idAt];
		let n = 0;
		// Numbered records (onboardings) are numbered per parent over every row naming it, valid
		// or not, ragged or not, so fixing a bad row later does not shift the keys of the rows after it.
		if (this.#within?.numbered === true && id !== undefined && !isBlank(id)) {
			n = (this.#seen.get(id) ?? 0) + 1;
			this.#seen.set(id, n);
		}
		if (!isValid || id === undefined) return undefined;
		if (this.#skipped?.has(row.line)) return undefined;
		const header = this.layout.header;
		if (this.#isPlanOnly) {
			if (this.#def.parent !== undefined)
				return new PlannedRecord(
					pass,
					this.#childKey(id, n, cells),
					row.line,
					id,
					undefined,
					this.#fields,
					header,
					cells,
				);
			const slug =
				this.slugs !== undefined && this.lacksSlug(cells)
					? this.slugs.derive(this.#nameOf(cells), id)
					: undefined;
			return new PlannedRecord(pass, id, row.line, undefined, slug, this.#fields, header, cells);
		}
		const body = buildBody(pass, header, cells);
		const columns = originalColumns(this.#names, row.cells);
		const fields = this.#fields;
		if (this.#def.parent === undefined) {
			if (this.#def.derivesSlug !== true || typeof body.slug === "string" || this.slugs === undefined)
				return { pass, key: id, line: row.line, body, columns, fields };
			const slug = this.slugs.derive(typeof body.name === "string" ? body.name : "", id);
			return { pass, key: id, line: row.line, body, columns, slug, fields };
		}
		return { pass, key: this.#childKey(id, n, cells), line: row.line, parentKey: id, body, columns, fields };
	}

	/**
	 * `record`, which `make` gave only planned (`isPlanOnly`) for `row` (`cells` as `make` had them), whole: its body and
	 * original cells, as `make` gives a record to be sent. Its key and slug are the planned ones.
	 */
	whole(record: SourceRecord, row: CsvRow, cells: readonly string[]): SourceRecord {
		const body = buildBody(record.pass, this.layout.header, cells);
		const columns = originalColumns(this.#names, row.cells);
		const { pass, key, line } = record;
		const fields = this.#fields;
		if (record.parentKey !== undefined)
			return { pass, key, line, parentKey: record.parentKey, body, columns, fields };
		if (record.slug !== undefined) return { pass, key, line, body, columns, slug: record.slug, fields };
		return { pass, key, line, body, columns, fields };
	}

	#childKey(id: string, n: number, cells: readonly string[]): string {
		const within = this.#within;
		const cell = cells[this.#keyAt];
		if (within?.numbered === true) return onboardingKey(id, n, cell?.trim(), this.#nameCounts);
		return `${id}/${within?.fold === true ? (cell ?? "").toLowerCase() : (cell ?? "")}`;
	}

	/** The name a slug is derived from: the body's `name`, which is the cell as it is (or none). */
	#nameOf(cells: readonly string[]): string {
		const name = this.#nameAt === -1 ? undefined : cells[this.#nameAt];
		return name === undefined || isBlank(name) ? "" : name;
	}
}

/**
 * A record that is only planned, never sent or listed: without its original cells (the
 * failures CSV's), and with its body built the first time the planner reads it. A first sync
 * plans a customer without reading its body at all (it is looked up, or created, whatever it holds).
 */
class PlannedRecord implements SourceRecord {
	readonly pass: PassName;
	readonly key: string;
	readonly line: number;
	readonly parentKey?: string;
	readonly slug?: string;
	readonly fields: readonly string[];
	readonly columns: Readonly<Record<string, string>> = NO_COLUMNS;
	readonly #header: ResolvedHeader;
	readonly #cells: readonly string[];
	#body: Record<string, unknown> | undefined;

	constructor(
		pass: PassName,
		key: string,
		line: number,
		parentKey: string | undefined,
		slug: string | undefined,
		fields: readonly string[],
		header: ResolvedHeader,
		cells: readonly string[],
	) {
		this.pass = pass;
		this.key = key;
		this.line = line;
		if (parentKey !== undefined) this.parentKey = parentKey;
		if (slug !== undefined) this.slug = slug;
		this.fields = fields;
		this.#header = header;
		this.#cells = cells;
	}

	get body(): Readonly<Record<string, unknown>> {
		this.#body ??= buildBody(this.pass, this.#header, this.#cells);
		return this.#body;
	}
}
