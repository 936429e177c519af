/**
 * Checks the input files before anything is sent: one streaming pass per file, in pass order,
 * keeping only what cross-row rules need (customer ids, slugs, contact emails and primaries).
 */

import { PASSES, type PassName } from "../model/records.js";
import { perPass, resourceOf } from "../model/resources.js";
import { type CsvReadOptions, type CsvRow, type CsvScan, newScan } from "./csv-rows.js";
import { type FileFormat, formatOf, reportBadBytes, reportUndecodable } from "./file-format.js";
import { KeySet, type StringLookup, StringSet } from "./key-sets.js";
import { type FileLayout, layoutFor } from "./layout.js";
import { type NameCounts, pairOf } from "./onboarding-keys.js";
import { type Problem, ProblemList, showValue } from "./problem.js";
import type { KnownFromCheck } from "./read-records.js";
import { readRows } from "./rows.js";
import { type CellIssue, checkRow, isBlank, parseBoolean, type ResolvedHeader } from "./schema.js";
import { mapFingerprints, readSettings, type SourceOptions } from "./source-options.js";

export interface SourceFiles {
	readonly customers: string;
	readonly contacts?: string | undefined;
	readonly onboardings?: string | undefined;
}

export interface ValidateOptions extends SourceOptions {
	/**
	 * Problems kept in memory; all of them are counted in `problemCount` whatever this is.
	 * @default 200
	 */
	readonly maxProblems?: number;
	/** Stops the check between batches of rows; the promise then rejects with the signal's reason. */
	readonly signal?: AbortSignal;
	/**
	 * Takes the rows as they are checked, so that a caller can plan from the same read
	 * (core/plan/check-and-plan.ts). Asked once a file's header is read; undefined: not this file.
	 * Rows go to it only while no problem has been found.
	 */
	readonly rowsTo?: ((pass: PassName, start: FileStart) => RowSink | undefined) | undefined;
}

/** A file whose header has been read, as validation hands it to a `RowSink`. */
export interface FileStart {
	readonly file: string;
	readonly layout: FileLayout;
	/** The header row as written. */
	readonly names: readonly string[];
	/** Customers: the slugs the file's slug column holds so far (grows as the rows are read). */
	readonly slugsSoFar: StringLookup | undefined;
}

export interface RowSink {
	/** A data row: its cells as the checks see them, its source width, whether its own checks passed. */
	row(row: CsvRow, cells: readonly string[], width: number, isValid: boolean): void;
	/** The file was read to its end (`complete`), or stopped (a problem, or it cannot be read). */
	end(complete: boolean): void;
}

export interface SourceCheck {
	/** The first `maxProblems` problems, each file's in line order. */
	readonly problems: Problem[];
	/** Every problem found, kept or not. */
	readonly problemCount: number;
	/** Data rows per file (the header and blank lines excluded), valid or not; 0 for a file not given. */
	readonly counts: Record<PassName, number>;
	/** Data rows with at least one problem of their own or with another row. */
	readonly invalidRows: Record<PassName, number>;
	/** The lines of those rows, per file (what `--skip-invalid` leaves out). */
	readonly invalidLines: Record<PassName, number[]>;
	/**
	 * Problems that are not about one row (header, map, encoding, a file that cannot be read or
	 * parsed to the end): with any of them no row of the file can be trusted, `--skip-invalid` or not.
	 */
	readonly fileProblemCount: number;
	/** SHA-256 (hex) of each file's bytes; undefined for a file not given or not readable. */
	readonly fingerprints: Record<PassName, string | undefined>;
	/**
	 * SHA-256 (hex) of the canonical JSON of the map section each file was read through;
	 * undefined for a file read without a map.
	 */
	readonly mapFingerprints: Record<PassName, string | undefined>;
	/** How each file was read (encoding, delimiter, map, ignored columns); undefined when not read. */
	readonly formats: Record<PassName, FileFormat | undefined>;
	readonly files: SourceFiles;
	/** Whole-file facts a later read of a file needs (`readRecords`' `known`), so it reads the file once. */
	readonly known: Record<PassName, KnownFromCheck>;
}

/** What later files need from earlier ones. */
interface Context {
	readonly problems: ProblemList;
	readonly maxProblems: number;
	readonly signal: AbortSignal | undefined;
	/** Customer external_ids. Undefined when the customers file could not be read to the end: no parent checks then. */
	customerIds: StringLookup | undefined;
	readonly customersFile: string;
	readonly source: SourceOptions;
	readonly read: CsvReadOptions;
	readonly rowsTo: ValidateOptions["rowsTo"];
}

/**
 * A value that must not repeat within a file. Only the values are kept (a Set is the smallest
 * structure that answers "seen before?"); the line of the first occurrence, which the message
 * needs, is looked up in a second read of the file, only when a repeat was found.
 */
interface UniqueRule {
	readonly column: number;
	readonly columnName: string;
	/** The value compared, or undefined when the row has none. */
	readonly keyOf: (cells: readonly string[]) => UniqueKey | undefined;
	readonly message: (cells: readonly string[], firstLine: number | undefined) => string;
	readonly seen: KeySet;
}

/** A cell as compared: its text, or (CRM ids, see numericKey) the number it spells, which takes less memory. */
type UniqueKey = string | number;

interface Repeat {
	readonly rule: UniqueRule;
	readonly key: UniqueKey;
	readonly line: number;
	readonly cells: readonly string[];
}

interface PassRules {
	readonly unique: readonly UniqueRule[];
	/** Rules needing neither other rows of this file nor a second read; returns issues found. */
	readonly row: (cells: readonly string[], line: number, report: (issue: CellIssue) => void) => number;
	/** Customers: the slugs seen so far (the slug rule's set). */
	readonly slugs?: StringLookup | undefined;
	/** What a later read of the file needs, once the file has been read to its end. */
	readonly known?: () => KnownFromCheck;
}

function earlier(firstLine: number | undefined): string {
	return firstLine === undefined ? "on an earlier line" : `on line ${firstLine}`;
}

/** The source column and header name of the checked row's cell `at`, for a message. */
function placeOf(header: ResolvedHeader, at: number): { column: number; columnName: string } {
	const col = header.columns.find((c) => c.index === at);
	return { column: col?.column ?? at + 1, columnName: col?.header ?? "" };
}

function uniqueRule(
	header: ResolvedHeader,
	columnName: string,
	keyOf: (at: number) => (cells: readonly string[]) => UniqueKey | undefined,
	message: (value: string, cells: readonly string[], firstLine: number | undefined) => string,
): UniqueRule[] {
	const at = header.indexOf.get(columnName);
	if (at === undefined) return [];
	return [
		{
			...placeOf(header, at),
			keyOf: keyOf(at),
			message: (cells, firstLine) => message(cells[at]!, cells, firstLine),
			seen: new KeySet(),
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
const CRM_ID_FIELDS = [
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

function isDigits(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c < 48 || c > 57) return false;
	}
	return true;
}

function customerRules(header: ResolvedHeader, ctx: Context): PassRules {
	const ids = uniqueRule(
		header,
		"external_id",
		cellKey,
		(id, _cells, first) =>
			`external_id ${showValue(id)} is already used ${earlier(first)}; every customer needs its own external_id, so remove the duplicate row or change one of the ids.`,
	);
	const slugRule = uniqueRule(
		header,
		"slug",
		cellKey,
		(slug, _cells, first) =>
			`slug ${showValue(slug)} is already used ${earlier(first)}; slugs must be unique, so change one of them or leave one empty.`,
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
		known: () => (isSlugLeftOut && slugs !== undefined ? { explicitSlugs: slugs } : {}),
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
	);
	const parentCheckOf = parentCheck(header, ctx);
	// Customer → line of its primary contact. Bounded by the number of customers.
	const primaries = new Map<string, number>();
	return {
		unique,
		row: (cells, line, report) => {
			let issues = parentCheckOf(cells, report);
			if (primaryAt !== undefined && parseBoolean(cells[primaryAt]!) === true) {
				const parent = parentOf(cells);
				if (parent !== undefined) {
					const first = primaries.get(parent);
					if (first === undefined) primaries.set(parent, line);
					else {
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
	// How many rows of each customer carry each name, which keys the onboardings (see
	// onboarding-keys.ts): counted here so that reading the records needs no read of its own.
	const names = new Map<string, number>();
	const known = (): KnownFromCheck => ({ onboardingNames: names as NameCounts });
	if (idAt === undefined || nameAt === undefined)
		return { unique: [], row: (cells, _line, report) => parentCheckOf(cells, report), known };
	return {
		unique: [],
		row: (cells, _line, report) => {
			const id = cells[idAt]!;
			const name = cells[nameAt]!.trim();
			if (!isBlank(id) && !isBlank(name)) {
				const pair = pairOf(id, name);
				names.set(pair, (names.get(pair) ?? 0) + 1);
			}
			return parentCheckOf(cells, report);
		},
		known,
	};
}

const RULES: Readonly<Partial<Record<PassName, (header: ResolvedHeader, ctx: Context) => PassRules>>> = {
	customers: customerRules,
	contacts: contactRules,
	onboardings: onboardingRules,
};

/** The cross-row rules of a pass: its own, else (a resource registered in the table) the parent check. */
function rulesOf(pass: PassName): (header: ResolvedHeader, ctx: Context) => PassRules {
	return (
		RULES[pass] ??
		(resourceOf(pass).parent === undefined ? () => ({ unique: [], row: () => 0 }) : parentRules)
	);
}

interface FileResult {
	readonly count: number;
	readonly invalid: number;
	readonly invalidLines: number[];
	/** Problems of this file that are about one row. */
	readonly rowProblems: number;
	readonly fingerprint: string | undefined;
	readonly format: FileFormat | undefined;
	readonly isMapped: boolean;
	readonly known: KnownFromCheck;
}

async function checkFile(pass: PassName, file: string, ctx: Context): Promise<FileResult> {
	const { problems } = ctx;
	const scan = newScan(ctx.maxProblems);
	let line = 0;
	const report = (issue: CellIssue): void => {
		problems.add({ file, line, ...issue });
	};
	let layout: FileLayout | undefined;
	let rules: PassRules | undefined;
	let sink: RowSink | undefined;
	const repeats: Repeat[] = [];
	let count = 0;
	let invalid = 0;
	let rowProblems = 0;
	const invalidLines: number[] = [];
	for await (const batch of readRows(file, scan, ctx.read)) {
		ctx.signal?.throwIfAborted();
		for (let b = 0; b < batch.length; b++) {
			const row = batch[b]!;
			line = row.line;
			if (layout === undefined) {
				layout = layoutFor(pass, file, row.cells, ctx.source.map);
				for (const issue of layout.header.issues) report(issue);
				for (const problem of layout.mapProblems) problems.add(problem);
				rules = rulesOf(pass)(layout.header, ctx);
				sink = ctx.rowsTo?.(pass, { file, layout, names: row.cells, slugsSoFar: rules.slugs });
				continue;
			}
			const header = layout.header;
			const width = row.cells.length;
			const cells = layout.project === undefined ? row.cells : layout.project(row.cells);
			count++;
			const own = checkRow(header, cells, report, width);
			let issues = own;
			// A ragged row's cells cannot be trusted to be in their columns: no cross-row rules.
			if (width === header.width) {
				issues += rules!.row(cells, line, report);
				for (const rule of rules!.unique) {
					const key = rule.keyOf(cells);
					if (key === undefined) continue;
					if (rule.seen.add(key)) continue;
					issues++;
					if (repeats.length < ctx.maxProblems) repeats.push({ rule, key, line, cells });
					else problems.addUncounted(1);
				}
			}
			if (issues > 0) {
				invalid++;
				rowProblems += issues;
				invalidLines.push(line);
			}
			if (sink !== undefined && problems.total === 0) sink.row(row, cells, width, own === 0);
		}
	}
	sink?.end(scan.failure === undefined && problems.total === 0);
	if (repeats.length > 0) {
		await reportRepeats(file, repeats, scan.failure === undefined, problems, ctx.read, layout?.project);
	}
	if (scan.failure !== undefined) {
		problems.add({ file, ...scan.failure });
		// An id list cut short would turn every later contact into a false "unknown customer".
		if (pass === "customers") ctx.customerIds = undefined;
	} else if (layout === undefined) {
		problems.add({
			file,
			line: 1,
			message:
				pass === "customers"
					? "no records: the file is empty; add a header row and at least one customer."
					: `the file is empty; add a header row (and ${pass} rows), or leave the file out.`,
		});
	} else if (count === 0 && pass === "customers") {
		problems.add({
			file,
			line: 1,
			message: "no records: the file has a header but no customer rows; add at least one customer.",
		});
	}
	await reportBadBytes(file, scan.utf8.invalid, scan.utf8.invalidCount, problems);
	if (scan.format !== undefined) reportUndecodable(file, scan, scan.format.encoding, problems);
	return {
		count,
		invalid,
		invalidLines,
		rowProblems,
		fingerprint: scan.sha256,
		format: formatOf(scan as CsvScan, layout, ctx.source.map),
		isMapped: layout?.project !== undefined || ctx.source.map?.sections[pass] !== undefined,
		known: scan.failure === undefined ? { ...rules?.known?.(), bytes: scan.blocks } : {},
	};
}

/** Second read, only for files with repeated values: finds where each repeated value first appeared. */
async function reportRepeats(
	file: string,
	repeats: readonly Repeat[],
	canReread: boolean,
	problems: ProblemList,
	read: CsvReadOptions,
	project: FileLayout["project"],
): Promise<void> {
	const firstLines = new Map<UniqueRule, Map<UniqueKey, number | undefined>>();
	for (const r of repeats) {
		let byKey = firstLines.get(r.rule);
		if (byKey === undefined) {
			byKey = new Map();
			firstLines.set(r.rule, byKey);
		}
		byKey.set(r.key, undefined);
	}
	if (canReread) {
		let missing = [...firstLines.values()].reduce((n, m) => n + m.size, 0);
		let width = -1;
		const scan = newScan(0);
		outer: for await (const batch of readRows(file, scan, { ...read, hash: false })) {
			for (const row of batch) {
				if (width === -1) {
					width = row.cells.length;
					continue;
				}
				if (row.cells.length !== width) continue;
				const cells = project === undefined ? row.cells : project(row.cells);
				for (const [rule, byKey] of firstLines) {
					const key = rule.keyOf(cells);
					if (key !== undefined && byKey.has(key) && byKey.get(key) === undefined) {
						byKey.set(key, row.line);
						if (--missing === 0) break outer;
					}
				}
			}
		}
	}
	for (const r of repeats) {
		problems.add({
			file,
			line: r.line,
			column: r.rule.column,
			columnName: r.rule.columnName,
			message: r.rule.message(r.cells, firstLines.get(r.rule)?.get(r.key)),
		});
	}
}

/**
 * Validates the customers file and the optional contacts and onboardings files. Never throws
 * for bad input (missing files included): everything wrong is a problem in the result.
 */
export async function validateSources(
	files: SourceFiles,
	options: ValidateOptions = {},
): Promise<SourceCheck> {
	const maxProblems = options.maxProblems ?? 200;
	const problems = new ProblemList(maxProblems);
	const settings = readSettings(options);
	const ctx: Context = {
		problems,
		maxProblems,
		signal: options.signal,
		customerIds: undefined,
		customersFile: files.customers,
		source: options,
		read: typeof settings === "string" ? {} : { encoding: settings.encoding, delimiter: settings.delimiter },
		rowsTo: options.rowsTo,
	};
	const counts = perPass(() => 0);
	const invalidRows = perPass(() => 0);
	const invalidLines = perPass((): number[] => []);
	let rowProblems = 0;
	const fingerprints = perPass((): string | undefined => undefined);
	const mapped = mapFingerprints(options.map);
	const usedMaps = perPass((): string | undefined => undefined);
	const formats = perPass((): FileFormat | undefined => undefined);
	const known = perPass((): KnownFromCheck => ({}));
	if (typeof settings === "string") problems.add({ file: files.customers, line: 0, message: settings });
	for (const pass of PASSES) {
		const file = files[pass];
		if (file === undefined || typeof settings === "string") continue;
		options.signal?.throwIfAborted();
		const result = await checkFile(pass, file, ctx);
		counts[pass] = result.count;
		invalidRows[pass] = result.invalid;
		invalidLines[pass] = result.invalidLines;
		rowProblems += result.rowProblems;
		fingerprints[pass] = result.fingerprint;
		formats[pass] = result.format;
		if (result.isMapped) usedMaps[pass] = mapped[pass];
		known[pass] = result.known;
	}
	return {
		problems: problems.sorted(),
		problemCount: problems.total,
		counts,
		invalidRows,
		invalidLines,
		fileProblemCount: problems.total - rowProblems,
		fingerprints,
		mapFingerprints: usedMaps,
		formats,
		files,
		known,
	};
}
