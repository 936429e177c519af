/**
 * Date formats the mapping step offers for a file's date column: those that read every sampled
 * cell, one per distinct reading, so `03/04/2026` offers both orders and `03/15/2026` only one.
 */

import { dateReader } from "../../source/index.js";

/** Orders and separators seen in exports, most common first. */
const DATE_FORMATS = [
	"MM/dd/yyyy",
	"dd/MM/yyyy",
	"dd.MM.yyyy",
	"yyyy/MM/dd",
	"dd-MM-yyyy",
	"MM-dd-yyyy",
	"d MMM yyyy",
	"MMM d, yyyy",
	"MM/dd/yy",
	"dd/MM/yy",
];

/**
 * Formats that read every sampled date cell, one per distinct reading; `""` first when all are
 * ISO. Cells no format reads ("TBD", "n/a") say nothing about the format and are left out:
 * validation reports them, with the values entry that reads them as empty.
 */
export function dateOptions(cells: readonly string[], saved?: string): string[] {
	const values = cells.map((c) => c.trim()).filter((c) => c.length > 0);
	const iso = dateReader("yyyy-MM-dd");
	const formats = saved ? [saved, ...DATE_FORMATS] : DATE_FORMATS;
	const readers = formats.map((format) => dateReader(format));
	const dates = values.filter((v) => iso(v) !== undefined || readers.some((read) => read(v) !== undefined));
	if (dates.every((v) => iso(v) !== undefined)) return saved ? ["", saved] : [""];
	const options: string[] = [];
	const readings = new Set<string>();
	formats.forEach((format, i) => {
		const results = dates.map(readers[i]!);
		if (results.some((r) => r === undefined)) return;
		const signature = results.join(",");
		if (readings.has(signature)) return;
		readings.add(signature);
		options.push(format);
	});
	return options.length > 0 ? options : [""];
}
