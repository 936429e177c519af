/**
 * Checks the input files before anything is sent: one streaming pass per file, in pass order,
 * keeping only what cross-row rules need (customer ids, slugs, contact emails and primaries).
 */

import { PASSES, type PassName } from "../model/records.js";
import { perPass } from "../model/resources.js";
import {
	type BegunRead,
	beginRead,
	DEFAULT_MAX_PROBLEMS,
	type EarlyRead,
	takeEarlyRead,
} from "./begun-read.js";
import { type CsvReadOptions, type CsvRow, type CsvScan, newScan } from "./csv-rows.js";
import { type FileFormat, formatOf, reportBadBytes, reportUndecodable } from "./file-format.js";
import type { StringLookup } from "./key-sets.js";
import { type FileLayout, layoutFor } from "./layout.js";
import { LeftOutRows } from "./left-out.js";
import type { OnboardingNames } from "./onboarding-keys.js";
import { type Problem, ProblemList } from "./problem.js";
import type { KnownFromCheck } from "./read-records.js";
import {
	type Context,
	type PassRules,
	type Repeat,
	rulesOf,
	type UniqueKey,
	type UniqueRule,
} from "./row-rules.js";
import { readRows } from "./rows.js";
import { type CellIssue, checkRow, idColumnOf } from "./schema.js";
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
	/**
	 * How many rows each file likely holds (a refresh: the records its state holds of the pass),
	 * for the cross-row rules' sets to be sized once. Only a hint: any count of rows is checked.
	 */
	readonly expectedRows?: Partial<Record<PassName, number>> | undefined;
	/**
	 * The customers file's read, begun by `beginFirstRead` while the caller did something else
	 * (read the state): taken when it was begun with these very options, else ended.
	 */
	readonly begun?: EarlyRead | undefined;
}

/** A file whose header has been read, as validation hands it to a `RowSink`. */
export interface FileStart {
	readonly file: string;
	readonly layout: FileLayout;
	/** The header row as written. */
	readonly names: readonly string[];
	/** Customers: the slugs the file's slug column holds so far (grows as the rows are read). */
	readonly slugsSoFar: StringLookup | undefined;
	/** Onboardings: each customer's names so far, the row handed on counted (grows as the rows are read). */
	readonly namesSoFar?: OnboardingNames | undefined;
}

export interface RowSink {
	/** A data row: its cells as the checks see them, whether its own checks passed. */
	row(row: CsvRow, cells: readonly string[], isValid: boolean): void;
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

async function checkFile(pass: PassName, file: string, ctx: Context, read: BegunRead): Promise<FileResult> {
	const { problems } = ctx;
	const { scan } = read;
	let line = 0;
	// Whether the row being checked has a problem in the cell that names its customer: a row left
	// out so cannot be told from any customer's (adversarial finding Q11).
	let isIdCellBad = false;
	let idColumn: number | undefined;
	const report = (issue: CellIssue): void => {
		if (issue.column !== undefined && issue.column === idColumn) isIdCellBad = true;
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
	// The customer each invalid row names: `--skip-invalid` leaves them out, they are not gone.
	const leftOut = new LeftOutRows();
	let idAt: number | undefined;
	for await (const batch of read.rows) {
		ctx.signal?.throwIfAborted();
		for (let b = 0; b < batch.length; b++) {
			const row = batch[b]!;
			line = row.line;
			if (layout === undefined) {
				layout = layoutFor(pass, file, row.cells, ctx.source.map);
				for (const issue of layout.header.issues) report(issue);
				for (const problem of layout.mapProblems) problems.add(problem);
				rules = rulesOf(pass)(layout.header, ctx);
				idAt = layout.header.indexOf.get(idColumnOf(pass));
				idColumn = layout.header.columns.find((column) => column.index === idAt)?.column;
				sink = ctx.rowsTo?.(pass, {
					file,
					layout,
					names: row.cells,
					slugsSoFar: rules.slugs,
					namesSoFar: rules.names,
				});
				continue;
			}
			const header = layout.header;
			const width = row.cells.length;
			const cells = layout.project === undefined ? row.cells : layout.project(row.cells);
			count++;
			isIdCellBad = false;
			const own = checkRow(header, cells, report, width);
			let issues = own;
			// A ragged row's cells cannot be trusted to be in their columns: no cross-row rules.
			if (width !== header.width) rules!.ragged?.(cells);
			else {
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
				leftOut.add(width === header.width && idAt !== undefined && !isIdCellBad ? cells[idAt] : undefined);
			}
			if (sink !== undefined && problems.total === 0) sink.row(row, cells, own === 0);
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
	for (const text of scan.footer?.text ?? []) leftOut.addFooter(text);
	// UTF-16 ends a line break with a zero byte: only the single-byte reads are told by their last byte.
	const isWide = scan.format?.encoding.kind === "utf-16le" || scan.format?.encoding.kind === "utf-16be";
	if (count > 1 && !isWide && scan.lastByte !== undefined && scan.lastByte !== 0x0a && scan.lastByte !== 0x0d)
		leftOut.noteUnended(scan.footer?.lines[0] ?? line);
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
		known:
			scan.failure === undefined
				? { ...rules?.known?.(), bytes: scan.blocks, ...(leftOut.size > 0 ? { leftOut } : {}) }
				: {},
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
	const maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
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
		expectedRows: options.expectedRows ?? {},
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
	const given = typeof settings === "string" ? [] : PASSES.filter((pass) => files[pass] !== undefined);
	// The next file's read is begun while one is checked (`readAhead`); the first may have been
	// begun by the caller, for these files and options.
	let next = await takeEarlyRead(
		options.begun,
		given[0] === "customers" ? files.customers : undefined,
		options,
		maxProblems,
	);
	try {
		for (const [at, pass] of given.entries()) {
			options.signal?.throwIfAborted();
			const read = next ?? beginRead(files[pass]!, ctx.read, maxProblems);
			const after = given[at + 1];
			next = after === undefined ? undefined : beginRead(files[after]!, ctx.read, maxProblems);
			const result = await checkFile(pass, files[pass]!, ctx, read);
			counts[pass] = result.count;
			invalidRows[pass] = result.invalid;
			invalidLines[pass] = result.invalidLines;
			rowProblems += result.rowProblems;
			fingerprints[pass] = result.fingerprint;
			formats[pass] = result.format;
			if (result.isMapped) usedMaps[pass] = mapped[pass];
			known[pass] = result.known;
		}
	} finally {
		// A read begun and never checked (the check stopped): its thread is ended.
		await next?.rows.return(undefined);
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
