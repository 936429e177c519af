/**
 * Excel's error values: what a formula that failed shows, saved as the cell's text by a CSV
 * export (Excel, Google Sheets) and as an error cell (`t="e"`) in a workbook. Never data: a
 * customer named `#N/A` is a lookup that found nothing.
 */

const ERRORS: ReadonlySet<string> = new Set([
	"#N/A",
	"#REF!",
	"#VALUE!",
	"#DIV/0!",
	"#NAME?",
	"#NULL!",
	"#NUM!",
	"#SPILL!",
	"#CALC!",
	"#GETTING_DATA",
	"#FIELD!",
	"#BLOCKED!",
	"#CONNECT!",
	"#BUSY!",
	"#UNKNOWN!",
	// Google Sheets' own
	"#ERROR!",
]);

/** Whether a (trimmed) cell is an Excel or Google Sheets error value. */
export function isExcelError(value: string): boolean {
	// One comparison on the common path: errors start with "#".
	return value.charCodeAt(0) === 35 && ERRORS.has(value.toUpperCase());
}

/**
 * What a workbook's formula cell saved without its value reads as: a program other than Excel
 * (openpyxl, a server-side writer) may save formulas only, and Excel computes them when it opens
 * the file. Read as empty, the field was silently dropped (adversarial finding Q7); it is refused
 * like an error value. No cell of a CSV can hold it: it starts with a NUL.
 */
export const UNCALCULATED = "\u0000uncalculated formula";
