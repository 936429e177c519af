/**
 * A file argument may name a sheet of a workbook: `book.xlsx#Customers`. The part after the `#`
 * is the sheet; the part before it is the file on disk. Any other path is a file as it is (a CSV
 * named `a#b.csv` stays one file).
 */

export interface SheetPath {
	/** The file on disk. */
	readonly file: string;
	/** The sheet named after `#`; undefined for the workbook's first sheet, or for a CSV. */
	readonly sheet: string | undefined;
	readonly isWorkbook: boolean;
}

const WORKBOOK = /\.xlsx$/i;
const WITH_SHEET = /\.xlsx#/i;

export function splitSheet(path: string): SheetPath {
	const at = path.search(WITH_SHEET);
	if (at === -1) return { file: path, sheet: undefined, isWorkbook: WORKBOOK.test(path) };
	const end = at + ".xlsx".length;
	const sheet = path.slice(end + 1);
	return { file: path.slice(0, end), sheet: sheet.length > 0 ? sheet : undefined, isWorkbook: true };
}

/** The file on disk behind a file argument (`book.xlsx#Customers` → `book.xlsx`). */
export function fileOnDisk(path: string): string {
	return splitSheet(path).file;
}

export function isWorkbookPath(path: string): boolean {
	return splitSheet(path).isWorkbook;
}

/** `1` → `A`, `27` → `AA`: the letters Excel shows above a 1-based column. */
export function columnLetters(column: number): string {
	let out = "";
	for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
		out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
	}
	return out;
}

/** `C7` → 3 (1-based column), or undefined when the reference has no letters. */
export function columnOfReference(reference: string): number | undefined {
	let column = 0;
	let i = 0;
	for (; i < reference.length; i++) {
		const c = reference.charCodeAt(i) | 0x20; // lower case
		if (c < 97 || c > 122) break;
		column = column * 26 + (c - 96);
	}
	return i === 0 ? undefined : column;
}
