/**
 * How a file was read, as the plan shows it ("`;`-delimited, windows-1252, map m.json; ignored:
 * Create Date"), and the problems of bytes that did not decode, each naming the way out: the
 * likely encoding and the option that reads it.
 */

import { open } from "node:fs/promises";
import { describeFooter } from "./clean/index.js";
import type { CsvScan } from "./csv-rows.js";
import { delimiterLabel } from "./delimiter.js";
import type { Encoding } from "./encoding.js";
import type { FileLayout } from "./layout.js";
import { type LikelyEncoding, likelyEncoding, SAMPLE_BYTES } from "./likely-encoding.js";
import type { SourceMap } from "./map-file.js";
import type { ProblemList } from "./problem.js";
import { linesOfOffsets } from "./utf8.js";

export interface FileFormat {
	/** `UTF-8`, `UTF-16LE`, `windows-1252`, … */
	readonly encoding: string;
	/** `bom`: found from the byte-order mark; `option`: `--encoding`; `default`: UTF-8. */
	readonly encodingSource: Encoding["source"];
	readonly delimiter: string;
	/** Given with `--delimiter` rather than detected. */
	readonly isDelimiterForced: boolean;
	/** The map file this file was read through. */
	readonly map?: string;
	/** Source headers the map leaves out. */
	readonly ignored: readonly string[];
	/** The notice of a report footer left out (`skipped a report footer on lines 52–55 (…)`). */
	readonly footer?: string;
	/** The sheet read, for a workbook: then encoding and delimiter do not apply. */
	readonly sheet?: string;
	/** Excel's `sep=;` first line, skipped (it named the delimiter). */
	readonly sepLine?: string;
}

export function formatOf(
	scan: CsvScan,
	layout: FileLayout | undefined,
	map: SourceMap | undefined,
): FileFormat | undefined {
	const format = scan.format;
	if (format === undefined) return undefined;
	return {
		encoding: format.encoding.label,
		encodingSource: format.encoding.source,
		delimiter: format.delimiter,
		isDelimiterForced: format.isDelimiterForced,
		...(format.sheet === undefined ? {} : { sheet: format.sheet }),
		...(format.sepLine === undefined ? {} : { sepLine: format.sepLine }),
		...(layout !== undefined && layout.project !== undefined && map !== undefined ? { map: map.file } : {}),
		ignored: layout?.ignored ?? [],
		...(scan.footer === undefined ? {} : { footer: describeFooter(scan.footer) }),
	};
}

/** One line for the plan: `","-delimited, UTF-8, map m.json; ignored: Create Date`. */
export function describeFormat(format: FileFormat): string {
	const encoding =
		format.encodingSource === "bom"
			? `${format.encoding} (BOM)`
			: format.encodingSource === "option"
				? `${format.encoding} (--encoding)`
				: format.encoding;
	const parts = [
		...(format.sheet !== undefined
			? [`sheet ${JSON.stringify(format.sheet)}`]
			: [
					`${delimiterLabel(format.delimiter)}-delimited${format.isDelimiterForced ? " (--delimiter)" : format.sepLine !== undefined ? ` (named by the "${format.sepLine}" line 1, skipped)` : ""}`,
					encoding,
				]),
		...(format.map === undefined ? [] : [`map ${format.map}`]),
	];
	const ignored = format.ignored.length === 0 ? "" : `; ignored: ${format.ignored.join(", ")}`;
	const footer = format.footer === undefined ? "" : `; ${format.footer}`;
	return `${parts.join(", ")}${ignored}${footer}`;
}

async function sampleAround(file: string, offset: number): Promise<Uint8Array> {
	const handle = await open(file, "r");
	try {
		const start = Math.max(0, offset - SAMPLE_BYTES / 2);
		const buffer = Buffer.alloc(SAMPLE_BYTES);
		const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, start);
		return buffer.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
}

const hex = (byte: number): string => `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;

/** Bad UTF-8: one problem per line, each naming the encoding the file most likely is in. */
export async function reportBadBytes(
	file: string,
	invalid: readonly { offset: number; byte: number }[],
	total: number,
	problems: ProblemList,
): Promise<void> {
	if (invalid.length === 0) return;
	let lines: number[];
	let likely: LikelyEncoding = { name: "windows-1252", isSure: false };
	try {
		lines = await linesOfOffsets(
			file,
			invalid.map((b) => b.offset),
		);
		likely = await likelyEncoding(await sampleAround(file, invalid[0]!.offset));
	} catch {
		lines = invalid.map(() => 0);
	}
	let lastLine = -1;
	for (let i = 0; i < invalid.length; i++) {
		const at = lines[i] ?? 0;
		// One problem per line: a Latin-1 "é" repeated on a line is one thing to fix, not five.
		if (at === lastLine) continue;
		lastLine = at;
		const bad = invalid[i]!;
		problems.add({
			file,
			line: at,
			message: likely.isSure
				? `this line has bytes that are not valid UTF-8 (${hex(bad.byte)} at byte ${bad.offset}); use --encoding ${likely.name} if the file is in that code page (it looks like it), or save it as UTF-8 (in Excel: "CSV UTF-8").`
				: `this line has bytes that are not valid UTF-8 (${hex(bad.byte)} at byte ${bad.offset}); save it as UTF-8 (in Excel: "CSV UTF-8"), or give --encoding the code page it is in: --encoding windows-1252 if it came from Excel in Western Europe or the Americas (the file is too short to tell its code page).`,
		});
	}
	// Past the remembered offsets their lines are unknown: each bad sequence counts once.
	problems.addUncounted(Math.max(0, total - invalid.length));
}

/** Characters that did not decode in another encoding: one problem per line. */
export function reportUndecodable(
	file: string,
	scan: CsvScan,
	encoding: Encoding,
	problems: ProblemList,
): void {
	let lastLine = -1;
	let reported = 0;
	for (const bad of scan.undecodable) {
		reported++;
		if (bad.line === lastLine) continue;
		lastLine = bad.line;
		// 0x80–0x9F read as C1 controls (see decode-stream.ts): Excel's Western code page is meant.
		if (bad.isControl === true && bad.byte !== undefined) {
			problems.add({
				file,
				line: bad.line,
				message: `this line has a byte that ${encoding.label} reads as an invisible control character (${hex(bad.byte)} at byte ${bad.offset}); the file is most likely windows-1252 (where that byte is a letter or sign such as ’ or €): use --encoding windows-1252.`,
			});
			continue;
		}
		const what =
			bad.byte === undefined
				? `a character that does not decode as ${encoding.label}`
				: `a byte that ${encoding.label} does not define (${hex(bad.byte)} at byte ${bad.offset})`;
		const remedy =
			encoding.kind === "code-page"
				? "use --encoding with the code page the file was saved in, or save it as UTF-8"
				: "fix or remove that character, or save the file as UTF-8";
		problems.add({ file, line: bad.line, message: `this line has ${what}; ${remedy}.` });
	}
	problems.addUncounted(Math.max(0, scan.undecodableCount - reported));
}
