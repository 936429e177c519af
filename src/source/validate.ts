/**
 * Checks the input files before anything is sent: one streaming pass per file, in pass order,
 * keeping only what cross-row rules need (customer ids, slugs, contact emails and primaries).
 */

import type { PassName } from "../core/records.js";
import { type CsvRow, newScan, readCsvRows } from "./csv-rows.js";
import { type Problem, ProblemList, showValue } from "./problem.js";
import { type CellIssue, checkRow, isBlank, parseBoolean, resolveHeader } from "./schema.js";
import { linesOfOffsets } from "./utf8.js";

export interface SourceFiles {
	readonly customers: string;
	readonly contacts?: string | undefined;
	readonly onboardings?: string | undefined;
}

export interface ValidateOptions {
	/**
	 * Problems kept in memory; all of them are counted in `problemCount` whatever this is.
	 * @default 200
	 */
	readonly maxProblems?: number;
	/** Stops the check between rows; the promise then rejects with the signal's reason. */
	readonly signal?: AbortSignal;
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
	/** SHA-256 (hex) of each file's bytes; undefined for a file not given or not readable. */
	readonly fingerprints: Record<PassName, string | undefined>;
	readonly files: SourceFiles;
}

/** What later files need from earlier ones. */
interface Context {
	readonly problems: ProblemList;
	readonly signal: AbortSignal | undefined;
	/** Customer external_id → line of its row. Undefined when the customers file was unreadable. */
	customerIds: Map<string, number> | undefined;
	customersFile: string;
}

interface FileResult {
	readonly count: number;
	readonly invalid: number;
	readonly fingerprint: string | undefined;
}

/** Cross-row rules of one pass, fed one well-shaped row at a time. */
type RowRule = (cells: readonly string[], line: number, report: (issue: CellIssue) => void) => number;

function customerRules(indexOf: ReadonlyMap<string, number>, ctx: Context): RowRule {
	const ids = new Map<string, number>();
	ctx.customerIds = ids;
	const slugs = new Map<string, number>();
	const idAt = indexOf.get("external_id");
	const slugAt = indexOf.get("slug");
	return (cells, line, report) => {
		let issues = 0;
		if (idAt !== undefined) {
			const id = cells[idAt]!;
			if (!isBlank(id)) {
				const first = ids.get(id);
				if (first === undefined) ids.set(id, line);
				else {
					issues++;
					report({
						column: idAt + 1,
						columnName: "external_id",
						message: `external_id ${showValue(id)} is already used on line ${first}; every customer needs its own external_id, so remove the duplicate row or change one of the ids.`,
					});
				}
			}
		}
		if (slugAt !== undefined) {
			const slug = cells[slugAt]!;
			if (!isBlank(slug)) {
				const first = slugs.get(slug);
				if (first === undefined) slugs.set(slug, line);
				else {
					issues++;
					report({
						column: slugAt + 1,
						columnName: "slug",
						message: `slug ${showValue(slug)} is already used on line ${first}; slugs must be unique, so change one of them or leave one empty.`,
					});
				}
			}
		}
		return issues;
	};
}

function parentRule(
	indexOf: ReadonlyMap<string, number>,
	ctx: Context,
): (cells: readonly string[], report: (issue: CellIssue) => void) => string | undefined {
	const parentAt = indexOf.get("customer_external_id");
	return (cells, report) => {
		if (parentAt === undefined) return undefined;
		const parent = cells[parentAt]!;
		if (isBlank(parent)) return undefined;
		if (ctx.customerIds !== undefined && !ctx.customerIds.has(parent)) {
			report({
				column: parentAt + 1,
				columnName: "customer_external_id",
				message: `customer_external_id ${showValue(parent)} matches no external_id in ${ctx.customersFile}; fix the id or add that customer.`,
			});
			return undefined;
		}
		return parent;
	};
}

function contactRules(indexOf: ReadonlyMap<string, number>, ctx: Context): RowRule {
	const parentOf = parentRule(indexOf, ctx);
	// "<customer>\0<email lower-cased>" → line: NUL cannot occur in either part of a real value.
	const emails = new Map<string, number>();
	const primaries = new Map<string, number>();
	const emailAt = indexOf.get("email");
	const primaryAt = indexOf.get("is_primary");
	return (cells, line, report) => {
		let issues = 0;
		const before = issues;
		const parent = parentOf(cells, (issue) => {
			issues++;
			report(issue);
		});
		if (issues > before || parent === undefined) return issues;
		if (emailAt !== undefined) {
			const email = cells[emailAt]!;
			if (!isBlank(email)) {
				const key = `${parent}\0${email.toLowerCase()}`;
				const first = emails.get(key);
				if (first === undefined) emails.set(key, line);
				else {
					issues++;
					report({
						column: emailAt + 1,
						columnName: "email",
						message: `email ${showValue(email)} is already used for customer ${showValue(parent)} on line ${first} (emails are compared in lower case); remove the duplicate row or change one of the addresses.`,
					});
				}
			}
		}
		if (primaryAt !== undefined && parseBoolean(cells[primaryAt]!) === true) {
			const first = primaries.get(parent);
			if (first === undefined) primaries.set(parent, line);
			else {
				issues++;
				report({
					column: primaryAt + 1,
					columnName: "is_primary",
					message: `customer ${showValue(parent)} already has a primary contact on line ${first}, and Pivotal keeps only one; set is_primary to false on all but one of them.`,
				});
			}
		}
		return issues;
	};
}

function onboardingRules(indexOf: ReadonlyMap<string, number>, ctx: Context): RowRule {
	const parentOf = parentRule(indexOf, ctx);
	return (cells, _line, report) => {
		let issues = 0;
		parentOf(cells, (issue) => {
			issues++;
			report(issue);
		});
		return issues;
	};
}

const RULES: Record<PassName, (indexOf: ReadonlyMap<string, number>, ctx: Context) => RowRule> = {
	customers: customerRules,
	contacts: contactRules,
	onboardings: onboardingRules,
};

/** Rows between two looks at the abort signal: often enough to stop promptly, rare enough to be free. */
const SIGNAL_EVERY = 4096;

async function checkFile(pass: PassName, file: string, ctx: Context): Promise<FileResult> {
	const { problems } = ctx;
	const scan = newScan();
	let line = 0;
	const report = (issue: CellIssue): void => {
		problems.add({ file, line, ...issue });
	};
	let header: ReturnType<typeof resolveHeader> | undefined;
	let rule: RowRule | undefined;
	let count = 0;
	let invalid = 0;
	const rows: AsyncIterable<CsvRow> = readCsvRows(file, scan);
	for await (const row of rows) {
		line = row.line;
		if (header === undefined) {
			header = resolveHeader(pass, row.cells);
			for (const issue of header.issues) report(issue);
			rule = RULES[pass](header.indexOf, ctx);
			continue;
		}
		count++;
		if ((count & (SIGNAL_EVERY - 1)) === 0) ctx.signal?.throwIfAborted();
		let issues = checkRow(header, row.cells, report);
		// A ragged row's cells cannot be trusted to be in their columns: no cross-row rules.
		if (row.cells.length === header.width) issues += rule!(row.cells, line, report);
		if (issues > 0) invalid++;
	}
	if (scan.failure !== undefined) {
		problems.add({ file, ...scan.failure });
		if (pass === "customers" && scan.failure.line === 0) ctx.customerIds = undefined;
	} else if (header === undefined) {
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
	return { count, invalid, fingerprint: scan.sha256 };
}

async function reportBadBytes(
	file: string,
	invalid: readonly { offset: number; byte: number }[],
	total: number,
	problems: ProblemList,
): Promise<void> {
	if (invalid.length === 0) return;
	let lines: number[];
	try {
		lines = await linesOfOffsets(
			file,
			invalid.map((b) => b.offset),
		);
	} catch {
		lines = invalid.map(() => 0);
	}
	let lastLine = -1;
	let reported = 0;
	for (let i = 0; i < invalid.length; i++) {
		const at = lines[i] ?? 0;
		// One problem per line: a Latin-1 "é" repeated on a line is one thing to fix, not five.
		if (at === lastLine) continue;
		lastLine = at;
		reported++;
		const bad = invalid[i]!;
		problems.add({
			file,
			line: at,
			message: `this line has bytes that are not valid UTF-8 (0x${bad.byte.toString(16).toUpperCase().padStart(2, "0")} at byte ${bad.offset}); save the file as UTF-8 (in Excel: "CSV UTF-8") and try again.`,
		});
	}
	// Past the remembered offsets their lines are unknown: count each bad sequence once.
	problems.addUncounted(Math.max(0, total - invalid.length));
	void reported;
}

/**
 * Validates the customers file and the optional contacts and onboardings files. Never throws
 * for bad input (missing files included): everything wrong is a problem in the result.
 */
export async function validateSources(
	files: SourceFiles,
	options: ValidateOptions = {},
): Promise<SourceCheck> {
	const problems = new ProblemList(options.maxProblems ?? 200);
	const ctx: Context = {
		problems,
		signal: options.signal,
		customerIds: undefined,
		customersFile: files.customers,
	};
	const counts: Record<PassName, number> = { customers: 0, contacts: 0, onboardings: 0 };
	const invalidRows: Record<PassName, number> = { customers: 0, contacts: 0, onboardings: 0 };
	const fingerprints: Record<PassName, string | undefined> = {
		customers: undefined,
		contacts: undefined,
		onboardings: undefined,
	};
	for (const pass of ["customers", "contacts", "onboardings"] as const) {
		const file = files[pass];
		if (file === undefined) continue;
		options.signal?.throwIfAborted();
		const result = await checkFile(pass, file, ctx);
		counts[pass] = result.count;
		invalidRows[pass] = result.invalid;
		fingerprints[pass] = result.fingerprint;
	}
	return {
		problems: problems.sorted(),
		problemCount: problems.total,
		counts,
		invalidRows,
		fingerprints,
		files,
	};
}
