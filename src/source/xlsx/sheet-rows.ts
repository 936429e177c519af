/**
 * The rows of a worksheet's XML as the rows of a CSV: one array of cell texts per row, each cell
 * at its column (a cell left empty in the middle of a row keeps the columns after it in place),
 * numbered by the sheet's row number so problems point at the row Excel shows. Rows with no
 * text at all are left out, as blank lines of a CSV are.
 */

import { UNCALCULATED } from "../clean/excel-errors.js";
import { columnOfReference } from "../workbook-path.js";
import { booleanText, type CellType, isoDateText, numberText } from "./cell-text.js";
import type { NumberKind } from "./number-format.js";
import { showText, type TextFormat } from "./text-format.js";
import { unescapeOoxml, type XmlHandlers } from "./xml-events.js";

export interface SheetRow {
	readonly cells: string[];
	/** The sheet's 1-based row number. */
	readonly line: number;
}

export interface SheetContext {
	readonly sharedStrings: readonly string[];
	readonly numberKinds: readonly NumberKind[];
	/** Per style, its format's text section, when it shows text cells with literals (text-format.ts). */
	readonly textFormats?: readonly (TextFormat | undefined)[];
	readonly is1904: boolean;
}

const PLAIN: NumberKind = { kind: "plain" };

/** Handlers that call `emit` with each row that has text, as its `</row>` is read. */
export function sheetRowsHandlers(context: SheetContext, emit: (row: SheetRow) => void): XmlHandlers {
	let rowNumber = 0;
	let cells: string[] = [];
	let column = 0;
	let type: CellType = "n";
	let style = 0;
	let value = "";
	/** Inside `<v>` or an inline string's `<t>` (not its phonetic guide). */
	let inValue = false;
	let phonetic = 0;
	let hasText = false;
	/** The cell holds a formula, and whether a value was saved with it. */
	let hasFormula = false;
	let hasValue = false;

	const shownText = (text: string): string => {
		const format = context.textFormats?.[style];
		return format === undefined ? text : showText(format, text);
	};
	const cellText = (): string => {
		switch (type) {
			case "s":
				return shownText(context.sharedStrings[Number(value)] ?? "");
			case "inlineStr":
				return shownText(unescapeOoxml(value));
			case "str":
				return unescapeOoxml(value);
			case "b":
				return booleanText(value);
			case "d":
				return isoDateText(value);
			case "e":
				return value;
			default:
				return value.length === 0
					? ""
					: numberText(value, context.numberKinds[style] ?? PLAIN, context.is1904);
		}
	};

	return {
		open(name, a) {
			switch (name) {
				case "row":
					rowNumber = a.r === undefined ? rowNumber + 1 : Number(a.r);
					cells = [];
					column = 0;
					hasText = false;
					break;
				case "c":
					column = (a.r === undefined ? undefined : columnOfReference(a.r)) ?? column + 1;
					type = (a.t as CellType | undefined) ?? "n";
					style = a.s === undefined ? 0 : Number(a.s);
					value = "";
					hasFormula = false;
					hasValue = false;
					break;
				case "f":
					hasFormula = true;
					break;
				case "v":
					inValue = true;
					hasValue = true;
					break;
				case "t":
					if (type === "inlineStr") inValue = true;
					break;
				case "rPh":
					phonetic++;
					break;
			}
		},
		close(name) {
			switch (name) {
				case "v":
				case "t":
					inValue = false;
					break;
				case "rPh":
					phonetic--;
					break;
				case "c": {
					const text = hasFormula && !hasValue && type !== "inlineStr" ? UNCALCULATED : cellText();
					if (text.length === 0) break;
					while (cells.length < column - 1) cells.push("");
					cells[column - 1] = text;
					hasText = true;
					break;
				}
				case "row":
					if (hasText) emit({ cells, line: rowNumber });
					break;
			}
		},
		text(text) {
			if (inValue && phonetic === 0) value += text;
		},
	};
}
