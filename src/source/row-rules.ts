/**
 * The cross-row rules of each input file: values that must not repeat (ids, slugs, CRM ids,
 * contact e-mails), one primary contact per customer, and children whose parent is in the
 * customers file. Validation (validate.ts) runs them on every row.
 */

import type { PassName } from "../model/records.js";
import { resourceOf } from "../model/resources.js";
import type { CsvReadOptions } from "./csv-rows.js";
import { CustomerNumbers } from "./customer-numbers.js";
import type { ResolvedHeader } from "./header.js";
import { KeySet, type StringLookup, StringSet } from "./key-sets.js";
import { OnboardingNames } from "./onboarding-keys.js";
import { type ProblemList, showValue } from "./problem.js";
import type { KnownFromCheck } from "./read-records.js";
import { type CellIssue, isBlank, parseBoolean } from "./schema.js";
import type { SourceOptions } from "./source-options.js";
import type { ValidateOptions } from "./validate.js";

/** What later files need from earlier ones. */
export interface Context {
	readonly problems: ProblemList;
	readonly maxProblems: number;
	readonly signal: AbortSignal | undefined;
	/** Customer external_ids. Undefined when the customers file could not be read to the end: no parent checks then. */
	customerIds: StringLookup | undefined;
	readonly customersFile: string;
	readonly source: SourceOptions;
	readonly read: CsvReadOptions;
	readonly rowsTo: ValidateOptions["rowsTo"];
	/** How many rows each file likely holds (`ValidateOptions.expectedRows`). */
	readonly expectedRows: Partial<Record<PassName, number>>;
}

/**
 * A value that must not repeat within a file. Only the values are kept (a Set is the smallest
 * structure that answers "seen before?"); the line of the first occurrence, which the message
 * needs, is looked up in a second read of the file, only when a repeat was found.
 */
export interface UniqueRule {
	readonly column: number;
	readonly columnName: string;
	/** The value compared, or undefined when the row has none. */
	readonly keyOf: (cells: readonly string[]) => UniqueKey | undefined;
	readonly message: (cells: readonly string[], firstLine: number | undefined) => string;
	readonly seen: KeySet;
}

/** A cell as compared: its text, or (CRM ids, see numericKey) the number it spells, which takes less memory. */
export type UniqueKey = string | number;

export interface Repeat {
	readonly rule: UniqueRule;
	readonly key: UniqueKey;
	readonly line: number;
	readonly cells: readonly string[];
}

export interface PassRules {
	readonly unique: readonly UniqueRule[];
	/** Rules needing neither other rows of this file nor a second read; returns issues found. */
	readonly row: (cells: readonly string[], line: number, report: (issue: CellIssue) => void) => number;
	/** Customers: the slugs seen so far (the slug rule's set). */
	readonly slugs?: StringLookup | undefined;
	/** Onboardings: each customer's names so far, a row tallied before it is handed on. */
	readonly names?: OnboardingNames | undefined;
	/** What a later read of the file needs, once the file has been read to its end. */
	readonly known?: () => KnownFromCheck;
	/** A row with more or fewer cells than the header: no rule trusts its cells, a count may. */
	readonly ragged?: (cells: readonly string[]) => void;
}

export function earlier(firstLine: number | undefined): string {
	return firstLine === undefined ? "on an earlier line" : `on line ${firstLine}`;
}

/** The source column and header name of the checked row's cell `at`, for a message. */
function placeOf(header: ResolvedHeader, at: number): { column: number; columnName: string } {
	const col = header.columns.find((c) => c.index === at);
	return { column: col?.column ?? at + 1, columnName: col?.header ?? "" };
}

/** `expected`: how many rows the file likely holds, for the rule's set to be sized once. */
function uniqueRule(
	header: ResolvedHeader,
	columnName: string,
	keyOf: (at: number) => (cells: readonly string[]) => UniqueKey | undefined,
	message: (value: string, cells: readonly string[], firstLine: number | undefined) => string,
	expected = 0,
): UniqueRule[] {
	const at = header.indexOf.get(columnName);
	if (at === undefined) return [];
	return [
		{
			...placeOf(header, at),
			keyOf: keyOf(at),
			message: (cells, firstLine) => message(cells[at]!, cells, firstLine),
			seen: new KeySet(expected),
		},
	];
}

const cellKey =
	(at: number) =>
	(cells: readonly string[]): string | undefined => {
		const value = cells[at]!;
		return isBlank(value) ? undefined : value;
	};

/** The CRM ids a customer is matched by in Pivotal (besides external_id and slug): unique in a file. */
export const CRM_ID_FIELDS = [
	"hubspot_company_id",
	"stripe_customer_id",
	"intercom_company_id",
	"hubspot_deal_id",
	"slack_channel_id",
] as const;

/**
 * A CRM id cell's key: an id of digits without a leading zero (HubSpot's, most CRMs') as the
 * number it is (exactly: at most 15 digits), any other id as its text. A million ids held as
 * small numbers take half the memory of their strings, and a 1M-row check stays in its budget.
 */
const numericKey =
	(at: number) =>
	(cells: readonly string[]): UniqueKey | undefined => {
		const value = cells[at]!;
		if (isBlank(value)) return undefined;
		const c = value.charCodeAt(0);
		if (value.length <= 15 && c >= 49 && c <= 57 && isDigits(value)) return Number(value);
		return value;
	};

export function isDigits(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c < 48 || c > 57) return false;
	}
	return true;
}

function customerRules(header: ResolvedHeader, ctx: Context): PassRules {
	const expected = ctx.expectedRows.customers;
	const ids = uniqueRule(
		header,
		"external_id",
		cellKey,
		(id, _cells, first) =>
			`external_id ${showValue(id)} is already used ${earlier(first)}; every customer needs its own external_id, so remove the duplicate row or change one of the ids.`,
		expected,
	);
	const slugRule = uniqueRule(
		header,
		"slug",
		cellKey,
		(slug, _cells, first) =>
			`slug ${showValue(slug)} is already used ${earlier(first)}; slugs must be unique, so change one of them or leave one empty.`,
		expected,
	);
	const unique = [...ids, ...slugRule];
	// The first sync adopts a Pivotal customer by a CRM id: two rows with one id would both claim it.
	for (const field of CRM_ID_FIELDS) {
		unique.push(
			...uniqueRule(
				header,
				field,
				numericKey,
				(id, _cells, first) =>
					`${field} ${showValue(id)} is already used ${earlier(first)}; customers are matched in Pivotal by this id, so two rows with one id would both claim the same customer: remove the duplicate row or correct one of the ids.`,
				expected,
			),
		);
	}
	// The ids the later files point at are exactly the uniqueness set: no second copy.
	// external_id and slug keys are their text (cellKey): the string half of the set holds them all.
	ctx.customerIds = ids[0]?.seen.strings ?? new StringSet();
	const slugs = slugRule[0]?.seen.strings;
	const slugAt = header.indexOf.get("slug");
	// A row without a slug gets one derived that must avoid every slug the column holds: kept
	// for the read that derives them only when some row leaves its slug empty.
	let isSlugLeftOut = false;
	return {
		unique,
		row:
			slugAt === undefined
				? () => 0
				: (cells) => {
						if (!isSlugLeftOut && isBlank(cells[slugAt]!)) isSlugLeftOut = true;
						return 0;
					},
		slugs,
		known: () => ({
			...(isSlugLeftOut && slugs !== undefined ? { explicitSlugs: slugs } : {}),
			...(ctx.customerIds === undefined ? {} : { keys: ctx.customerIds }),
		}),
	};
}

function parentCheck(
	header: ResolvedHeader,
	ctx: Context,
): (cells: readonly string[], report: (issue: CellIssue) => void) => number {
	const at = header.indexOf.get("customer_external_id");
	return (cells, report) => {
		if (at === undefined || ctx.customerIds === undefined) return 0;
		const parent = cells[at]!;
		if (isBlank(parent) || ctx.customerIds.has(parent)) return 0;
		// HubSpot's "Associated Company IDs" holds every company a contact belongs to: `9001;9002`.
		const several = parent.split(/[;,]/).filter((id) => id.trim().length > 0);
		if (several.length > 1) {
			report({
				...placeOf(header, at),
				message: `customer_external_id ${showValue(parent)} holds ${several.length} ids, but a contact or onboarding has one parent customer; keep only the id of its customer in the cell (e.g. ${showValue(several[0]!.trim())}).`,
			});
			return 1;
		}
		report({
			...placeOf(header, at),
			message: `customer_external_id ${showValue(parent)} matches no external_id in ${ctx.customersFile}; fix the id or add that customer.`,
		});
		return 1;
	};
}

function contactRules(header: ResolvedHeader, ctx: Context): PassRules {
	const indexOf = header.indexOf;
	const parentAt = indexOf.get("customer_external_id");
	const primaryAt = indexOf.get("is_primary");
	const parentOf = (cells: readonly string[]): string | undefined => {
		const parent = parentAt === undefined ? undefined : cells[parentAt]!;
		return parent === undefined || isBlank(parent) ? undefined : parent;
	};
	const unique = uniqueRule(
		header,
		"email",
		(at) => (cells) => {
			const parent = parentOf(cells);
			const email = cells[at]!;
			// NUL cannot occur in a real id or address, so the pair cannot be ambiguous.
			return parent === undefined || isBlank(email) ? undefined : `${parent}\0${email.toLowerCase()}`;
		},
		(email, cells, first) =>
			`email ${showValue(email)} is already used for customer ${showValue(parentOf(cells) ?? "")} ${earlier(first)} (emails are compared in lower case); remove the duplicate row or change one of the addresses.`,
		ctx.expectedRows.contacts,
	);
	const parentCheckOf = parentCheck(header, ctx);
	// Customer → line of its primary contact. Bounded by the number of customers.
	const primaries = new CustomerNumbers(ctx.customerIds);
	return {
		unique,
		row: (cells, line, report) => {
			let issues = parentCheckOf(cells, report);
			if (primaryAt !== undefined && parseBoolean(cells[primaryAt]!) === true) {
				const parent = parentOf(cells);
				if (parent !== undefined) {
					// Lines start at 1: 0 is "none yet".
					const first = primaries.claim(parent, line);
					if (first !== 0) {
						issues++;
						report({
							...placeOf(header, primaryAt),
							message: `customer ${showValue(parent)} already has a primary contact on line ${first}, and Pivotal keeps only one; set is_primary to false on all but one of them.`,
						});
					}
				}
			}
			return issues;
		},
	};
}

/** A registered resource under a parent: its rows' parent ids are checked, nothing else across rows. */
function parentRules(header: ResolvedHeader, ctx: Context): PassRules {
	const parentCheckOf = parentCheck(header, ctx);
	return { unique: [], row: (cells, _line, report) => parentCheckOf(cells, report) };
}

function onboardingRules(header: ResolvedHeader, ctx: Context): PassRules {
	const parentCheckOf = parentCheck(header, ctx);
	const idAt = header.indexOf.get("customer_external_id");
	const nameAt = header.indexOf.get("name");
	// Which names each customer's rows repeat, which keys the onboardings (see
	// onboarding-keys.ts): tallied here so that reading the records needs no read of its own.
	const names = new OnboardingNames(ctx.customerIds);
	const known = (): KnownFromCheck => ({ onboardingNames: names });
	if (idAt === undefined)
		return { unique: [], row: (cells, _line, report) => parentCheckOf(cells, report), known };
	return {
		unique: [],
		names,
		row: (cells, _line, report) => {
			names.add(cells[idAt]!, nameAt === undefined ? undefined : cells[nameAt]);
			return parentCheckOf(cells, report);
		},
		// It takes its position (as RecordMaker numbers it), not its name: fixed later, it shifts no other row.
		ragged: (cells) => names.add(cells[idAt] ?? "", undefined),
		known,
	};
}

const RULES: Readonly<Partial<Record<PassName, (header: ResolvedHeader, ctx: Context) => PassRules>>> = {
	customers: customerRules,
	contacts: contactRules,
	onboardings: onboardingRules,
};

/** The cross-row rules of a pass: its own, else (a resource registered in the table) the parent check. */
export function rulesOf(pass: PassName): (header: ResolvedHeader, ctx: Context) => PassRules {
	return (
		RULES[pass] ??
		(resourceOf(pass).parent === undefined ? () => ({ unique: [], row: () => 0 }) : parentRules)
	);
}
