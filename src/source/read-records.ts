/**
 * Streams the records of one validated file as the engine sends them. Pull-based: the next row
 * is parsed only when the consumer asks, so a slow import holds a few rows in memory, not the file.
 */

import type { KeptRecords } from "../core/plan/kept-records.js";
import type { PassName, SourceRecord } from "../model/records.js";
import { isNumbered, resourceOf } from "../model/resources.js";
import type { ByteBlocks } from "./byte-blocks.js";
import { newScan } from "./csv-rows.js";
import type { StringLookup } from "./key-sets.js";
import { layoutFor } from "./layout.js";
import type { LeftOutRows } from "./left-out.js";
import { type OnboardingNames, onboardingNames } from "./onboarding-keys.js";
import { formatProblem, type Problem } from "./problem.js";
import { RecordMaker } from "./record-maker.js";
import { readRows } from "./rows.js";
import { checkRow } from "./schema.js";
import { explicitSlugs } from "./slug/explicit-slugs.js";
import { FileSlugs } from "./slug/index.js";
import { readSettings, type SourceOptions } from "./source-options.js";

/**
 * What validation learnt of a file that a later read of it would otherwise read the file again
 * for. Both are whole-file facts, so they must come from a read of the same bytes.
 */
export interface KnownFromCheck {
	/** Onboardings: which names each customer's rows repeat, and so which keys the rows hold. */
	readonly onboardingNames?: OnboardingNames | undefined;
	/** Customers: every slug the file's slug column holds. */
	readonly explicitSlugs?: StringLookup | undefined;
	/** Customers: every external_id the file's rows hold (the check's uniqueness set). */
	readonly keys?: StringLookup | undefined;
	/** The rows found invalid, by customer: left out by `--skip-invalid`, still in the file. */
	readonly leftOut?: LeftOutRows | undefined;
	/** The bytes it was checked with: the read proves it reads them, block by block (byte-blocks.ts). */
	readonly bytes?: ByteBlocks | undefined;
	/** The records the plan's read kept for the run (core/plan/kept-records.ts), valid with `bytes`. */
	readonly kept?: KeptRecords | undefined;
}

/** The file could not be read or parsed to the end (it changed since it was validated). */
export class SourceFileError extends Error {
	readonly problem: Problem;
	constructor(problem: Problem) {
		super(formatProblem(problem));
		this.name = "SourceFileError";
		this.problem = problem;
	}
}

/**
 * Yields one `SourceRecord` per valid row of `file`, in file order, read through `options`
 * (map, encoding, delimiter) exactly as validation read it. Rows that fail their own checks are
 * skipped (validation has reported them); cross-row rules are validation's job.
 * Throws `SourceFileError` if the file cannot be read or parsed to the end.
 */
export async function* readRecords(
	file: string,
	pass: PassName,
	options: SourceOptions = {},
	known: KnownFromCheck = {},
): AsyncGenerator<SourceRecord, void, undefined> {
	for await (const batch of readRecordBatches(file, pass, options, known)) yield* batch;
}

/**
 * `readRecords` a parsed block at a time (never empty): the engine's pass takes its records
 * without an await per record.
 */
export async function* readRecordBatches(
	file: string,
	pass: PassName,
	options: SourceOptions = {},
	known: KnownFromCheck = {},
): AsyncGenerator<SourceRecord[], void, undefined> {
	const settings = readSettings(options);
	if (typeof settings === "string") throw new SourceFileError({ file, line: 0, message: settings });
	const scan = newScan(0);
	// Onboardings (a numbered pass) are known by their name within the customer when no other row
	// of it repeats it.
	const nameCounts: OnboardingNames | undefined = !isNumbered(pass)
		? undefined
		: (known.onboardingNames ?? (await onboardingNames(file, options.map, { ...settings })));
	const derivesSlug = resourceOf(pass).derivesSlug === true;
	let maker: RecordMaker | undefined;
	const noop = (): void => {};
	for await (const rows of readRows(file, scan, {
		...settings,
		hash: false,
		verify: known.bytes,
		offThread: true,
	})) {
		const batch: SourceRecord[] = [];
		for (const row of rows) {
			if (maker === undefined) {
				const layout = layoutFor(pass, file, row.cells, options.map);
				maker = new RecordMaker(pass, layout, row.cells, options.skipLines?.[pass], nameCounts);
				continue;
			}
			if (!maker.isUsable) continue;
			const { layout } = maker;
			const width = row.cells.length;
			const cells = layout.project === undefined ? row.cells : layout.project(row.cells);
			const isValid = checkRow(layout.header, cells, noop, width) === 0;
			if (derivesSlug && isValid && maker.slugs === undefined && maker.lacksSlug(cells)) {
				// Customers (a pass that derives slugs) without a slug get one derived from the name,
				// unique within the file.
				maker.slugs = new FileSlugs(
					maker.hasSlugColumn
						? (known.explicitSlugs ?? (await explicitSlugs(file, options.map, { ...settings })))
						: undefined,
				);
			}
			const record = maker.make(row, cells, isValid);
			if (record !== undefined) batch.push(record);
		}
		if (batch.length > 0) yield batch;
	}
	if (scan.failure !== undefined) {
		throw new SourceFileError({ file, ...scan.failure });
	}
}
