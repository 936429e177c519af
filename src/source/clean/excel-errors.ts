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
