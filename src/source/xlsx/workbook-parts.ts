/**
 * The small parts of a workbook read before its sheet: the sheets and where they are
 * (`xl/workbook.xml` and its relationships), which styles are dates or money (`xl/styles.xml`),
 * and the shared strings (`xl/sharedStrings.xml`), which cells point into by index.
 */

import { type NumberKind, numberKind } from "./number-format.js";
import { type TextFormat, textFormat } from "./text-format.js";
import { parseXml, unescapeOoxml, type XmlHandlers } from "./xml-events.js";

export interface SheetEntry {
	readonly name: string;
	/** Part name of its XML, e.g. `xl/worksheets/sheet1.xml`. */
	readonly part: string;
	readonly isHidden: boolean;
}

export interface WorkbookInfo {
	readonly sheets: readonly SheetEntry[];
	/** Dates count from 1904 (old Mac workbooks) rather than 1900. */
	readonly is1904: boolean;
	readonly sharedStringsPart: string | undefined;
	readonly stylesPart: string | undefined;
}

/** Where a relationship target points, from the folder of the part that holds it. */
function resolvePart(base: string, target: string): string {
	if (target.startsWith("/")) return target.slice(1);
	const parts = base.split("/").filter(Boolean);
	for (const piece of target.split("/")) {
		if (piece === "..") parts.pop();
		else if (piece !== ".") parts.push(piece);
	}
	return parts.join("/");
}

/** `xl/workbook.xml` and its relationships. */
export function readWorkbookInfo(workbookXml: string, relsXml: string | undefined): WorkbookInfo {
	const targets = new Map<string, { target: string; type: string }>();
	if (relsXml !== undefined) {
		parseXml(relsXml, {
			open(name, a) {
				if (name === "Relationship" && a.Id !== undefined && a.Target !== undefined) {
					targets.set(a.Id, { target: resolvePart("xl", a.Target), type: a.Type ?? "" });
				}
			},
			close() {},
			text() {},
		});
	}
	const sheets: SheetEntry[] = [];
	let is1904 = false;
	parseXml(workbookXml, {
		open(name, a) {
			if (name === "workbookPr") is1904 = a.date1904 === "1" || a.date1904 === "true";
			if (name === "sheet" && a.name !== undefined) {
				const rel = a.id === undefined ? undefined : targets.get(a.id);
				sheets.push({
					name: a.name,
					part: rel?.target ?? `xl/worksheets/sheet${sheets.length + 1}.xml`,
					isHidden: a.state === "hidden" || a.state === "veryHidden",
				});
			}
		},
		close() {},
		text() {},
	});
	const ofType = (suffix: string): string | undefined =>
		[...targets.values()].find((t) => t.type.endsWith(suffix))?.target;
	return {
		sheets,
		is1904,
		sharedStringsPart: ofType("/sharedStrings") ?? "xl/sharedStrings.xml",
		stylesPart: ofType("/styles") ?? "xl/styles.xml",
	};
}

/**
 * Collects style index (a cell's `s`) → how its numbers read, into `kinds`, and how its text
 * reads (text-format.ts), into `texts`.
 */
export function numberKindsHandlers(
	kinds: NumberKind[],
	texts: (TextFormat | undefined)[] = [],
): XmlHandlers {
	const codes = new Map<number, string>();
	let inCellXfs = false;
	return {
		open(name, a) {
			if (name === "numFmt" && a.numFmtId !== undefined && a.formatCode !== undefined) {
				codes.set(Number(a.numFmtId), a.formatCode);
			} else if (name === "cellXfs") inCellXfs = true;
			else if (name === "xf" && inCellXfs) {
				const id = Number(a.numFmtId ?? 0);
				kinds.push(numberKind(id, codes.get(id)));
				texts.push(textFormat(codes.get(id)));
			}
		},
		close(name) {
			if (name === "cellXfs") inCellXfs = false;
		},
		text() {},
	};
}

/** Collects the shared string table into `strings`: rich-text runs joined, phonetic guides (`rPh`) left out. */
export function sharedStringsHandlers(strings: string[]): XmlHandlers {
	let current = "";
	let inText = false;
	let phonetic = 0;
	return {
		open(name) {
			if (name === "si") current = "";
			else if (name === "t") inText = true;
			else if (name === "rPh") phonetic++;
		},
		close(name) {
			if (name === "si") strings.push(unescapeOoxml(current));
			else if (name === "t") inText = false;
			else if (name === "rPh") phonetic--;
		},
		text(text) {
			if (inText && phonetic === 0) current += text;
		},
	};
}
