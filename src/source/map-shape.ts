/**
 * The shape of a map file's parse tree: sections per input file, each with columns, values,
 * dates and units, checked in one walk that records every entry's position and collects every
 * problem (see `map-file.ts` for the syntax, which is checked first).
 */

import type { Node } from "jsonc-parser";
import { PASSES, type PassName } from "../model/records.js";
import { resourceOf } from "../model/resources.js";
import { type MoneyUnit, moneyUnit, UNIT_NAMES } from "./clean/index.js";
import { checkDateFormat } from "./dates.js";
import type { ColumnSource, MapPosition, MapSection, MapSections } from "./map-file.js";
import { checkTarget } from "./map-targets.js";
import { enumKey } from "./plain-values.js";
import { type Problem, showValue } from "./problem.js";
import { columnsOf, idColumnOf, METADATA_PREFIX, reservedMetadataKey } from "./schema.js";

const SECTION_KEYS = ["columns", "values", "dates", "units"];

/** The money columns of a pass, which a map's `units` may name. */
function moneyFields(pass: PassName): readonly string[] {
	return resourceOf(pass)
		.columns.filter((c) => c.kind === "money")
		.map((c) => c.name);
}

/** Walks the parse tree once: builds the sections, records positions, collects problems. */
export class ShapeChecker {
	readonly problems: Problem[] = [];
	readonly positions: Record<string, MapPosition> = {};
	readonly #file: string;
	readonly #at: (offset: number) => MapPosition;

	constructor(file: string, at: (offset: number) => MapPosition) {
		this.#file = file;
		this.#at = at;
	}

	#problem(node: Node, message: string): void {
		this.problems.push({ file: this.#file, ...this.#at(node.offset), message });
	}

	/** The properties of an object node, each position recorded under `path/key`; duplicates reported. */
	#properties(node: Node, path: string, what: string): [string, Node, Node][] {
		const out: [string, Node, Node][] = [];
		const seen = new Set<string>();
		for (const property of node.children ?? []) {
			const [keyNode, valueNode] = property.children ?? [];
			if (keyNode === undefined || valueNode === undefined) continue;
			const key = String(keyNode.value);
			if (seen.has(key)) {
				this.#problem(keyNode, `${what} names ${showValue(key)} twice; keep one entry.`);
				continue;
			}
			seen.add(key);
			this.positions[path === "" ? key : `${path}/${key}`] = this.#at(keyNode.offset);
			out.push([key, keyNode, valueNode]);
		}
		return out;
	}

	root(node: Node): MapSections {
		if (node.type !== "object") {
			this.#problem(
				node,
				`the map must be a JSON object with a section per file ("customers", "contacts", "onboardings"); wrap the entries in { }.`,
			);
			return {};
		}
		const sections: Partial<Record<PassName, MapSection>> = {};
		for (const [key, keyNode, value] of this.#properties(node, "", "the map")) {
			const pass = PASSES.find((p) => p === key);
			if (pass === undefined) {
				this.#problem(
					keyNode,
					`the map has a section ${showValue(key)}, which is not a file; name the sections customers, contacts or onboardings.`,
				);
				continue;
			}
			const section = this.#section(pass, value);
			if (section !== undefined) sections[pass] = section;
		}
		return sections;
	}

	#section(pass: PassName, node: Node): MapSection | undefined {
		if (node.type !== "object") {
			this.#problem(
				node,
				`the ${pass} section must be an object with "columns", "values", "dates" and/or "units"; write it as { "columns": { … } }.`,
			);
			return undefined;
		}
		let columns: Record<string, ColumnSource> | undefined;
		let values: Record<string, Record<string, string>> | undefined;
		let dates: string | undefined;
		let units: Record<string, MoneyUnit> | undefined;
		for (const [key, keyNode, value] of this.#properties(node, pass, `the ${pass} section`)) {
			if (key === "columns") columns = this.#columns(pass, value);
			else if (key === "units") units = this.#units(pass, value);
			else if (key === "values") values = this.#values(pass, value);
			else if (key === "dates") {
				if (value.type !== "string") {
					this.#problem(
						value,
						`${pass}.dates must be a date-fns format in quotes; write e.g. "dates": "MM/dd/yyyy".`,
					);
					continue;
				}
				const problem = checkDateFormat(String(value.value));
				if (problem !== undefined) this.#problem(value, `${pass}.dates: ${problem}`);
				else dates = String(value.value);
			} else {
				this.#problem(
					keyNode,
					`the ${pass} section has ${showValue(key)}, which a map does not take; use ${SECTION_KEYS.join(", ")}.`,
				);
			}
		}
		return {
			...(columns === undefined ? {} : { columns }),
			...(values === undefined ? {} : { values }),
			...(dates === undefined ? {} : { dates }),
			...(units === undefined ? {} : { units }),
		};
	}

	#units(pass: PassName, node: Node): Record<string, MoneyUnit> | undefined {
		const money = moneyFields(pass);
		const example = `write e.g. "units": { "mrr": "dollars" }`;
		if (node.type !== "object") {
			this.#problem(node, `${pass}.units must be an object of money field → unit; ${example}.`);
			return undefined;
		}
		const units: Record<string, MoneyUnit> = {};
		for (const [field, keyNode, value] of this.#properties(node, `${pass}/units`, `${pass}.units`)) {
			if (!money.includes(field)) {
				this.#problem(
					keyNode,
					`${pass}.units names ${showValue(field)}, which is not a money field${money.length > 0 ? `; the ${pass} money fields are ${money.join(", ")}` : ` (${pass} files have none)`}.`,
				);
				continue;
			}
			const unit = value.type === "string" ? moneyUnit(String(value.value)) : undefined;
			if (unit === undefined) {
				this.#problem(
					value,
					`${pass}.units.${field} must be one of ${UNIT_NAMES.map((u) => `"${u}"`).join(", ")} ("dollars" stands for any currency's whole unit); ${example}.`,
				);
				continue;
			}
			units[field] = unit;
		}
		return units;
	}

	#columns(pass: PassName, node: Node): Record<string, ColumnSource> | undefined {
		if (node.type !== "object") {
			this.#problem(
				node,
				`${pass}.columns must be an object of our field → source header; write it as { "name": "Company name", … }.`,
			);
			return undefined;
		}
		const columns: Record<string, ColumnSource> = {};
		for (const [field, keyNode, value] of this.#properties(node, `${pass}/columns`, `${pass}.columns`)) {
			const fieldProblem = checkField(pass, field);
			if (fieldProblem !== undefined) {
				this.#problem(keyNode, `${pass}.columns: ${fieldProblem}`);
				continue;
			}
			const source = sourceOf(value);
			if (source === undefined) {
				this.#problem(
					value,
					`${pass}.columns.${field} must be a header in quotes, a list of headers to join, or null to leave the field out; write e.g. "${field}": "Company name".`,
				);
				continue;
			}
			columns[field] = source;
		}
		return columns;
	}

	#values(pass: PassName, node: Node): Record<string, Record<string, string>> | undefined {
		if (node.type !== "object") {
			this.#problem(
				node,
				`${pass}.values must be an object of field → { source value: our value }; write e.g. { "status": { "Customer": "active" } }.`,
			);
			return undefined;
		}
		const values: Record<string, Record<string, string>> = {};
		for (const [field, keyNode, table] of this.#properties(node, `${pass}/values`, `${pass}.values`)) {
			const fieldProblem = checkField(pass, field);
			if (fieldProblem !== undefined) {
				this.#problem(keyNode, `${pass}.values: ${fieldProblem}`);
				continue;
			}
			if (table.type !== "object") {
				this.#problem(
					table,
					`${pass}.values.${field} must be an object of source value → our value; write e.g. { "Customer": "active" }.`,
				);
				continue;
			}
			const entries: Record<string, string> = {};
			const byKey = new Map<string, string>();
			for (const [from, fromNode, to] of this.#properties(
				table,
				`${pass}/values/${field}`,
				`${pass}.values.${field}`,
			)) {
				if (to.type !== "string") {
					this.#problem(
						to,
						`${pass}.values.${field}[${showValue(from)}] must be a value in quotes ("" leaves the cell empty).`,
					);
					continue;
				}
				const target = checkTarget(pass, field, String(to.value));
				if (!target.ok) {
					this.#problem(to, `${pass}.values.${field} maps ${showValue(from)} to ${target.message}`);
					continue;
				}
				const key = enumKey(from);
				const clash = byKey.get(key);
				if (clash !== undefined && clash !== target.value) {
					this.#problem(
						fromNode,
						`${pass}.values.${field} maps ${showValue(from)} and another spelling of it to different values (case, spaces, - and _ do not count); keep one entry.`,
					);
					continue;
				}
				byKey.set(key, target.value);
				entries[from] = target.value;
			}
			values[field] = entries;
		}
		return values;
	}
}

function sourceOf(node: Node): ColumnSource | undefined {
	if (node.type === "null") return null;
	if (node.type === "string" && String(node.value).length > 0) return String(node.value);
	if (node.type === "array" && (node.children?.length ?? 0) > 0) {
		const headers = (node.children ?? []).map((c) => (c.type === "string" ? String(c.value) : undefined));
		if (headers.every((h): h is string => h !== undefined && h.length > 0)) return headers;
	}
	return undefined;
}

/** Why `field` is not a field of `pass` files, or undefined when it is. */
function checkField(pass: PassName, field: string): string | undefined {
	if (columnsOf(pass).some((s) => s.name === field)) return undefined;
	const keyField = resourceOf(pass).metadata?.keyField;
	if (keyField !== undefined && field.startsWith(METADATA_PREFIX)) {
		const key = field.slice(METADATA_PREFIX.length);
		if (key === keyField)
			return `"metadata.${keyField}" is filled from ${idColumnOf(pass)}; map ${idColumnOf(pass)} instead.`;
		if (key.length > 0) return reservedMetadataKey(key);
	}
	const allowed = columnsOf(pass)
		.map((s) => s.name)
		.join(", ");
	return `${showValue(field)} is not one of our ${pass} fields; use one of ${allowed}${keyField !== undefined ? ", metadata.<key>" : ""}.`;
}
