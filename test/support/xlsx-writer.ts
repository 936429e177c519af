/**
 * A minimal .xlsx writer for fixtures and tests: the parts Excel itself writes (content types,
 * relationships, workbook, styles with custom number formats, shared strings, one XML part per
 * sheet), zipped with deflate. Cells are written as Excel writes them: text as shared strings,
 * dates as day serials in a date-formatted cell, money as a number in a currency-formatted cell.
 * `parts` lets a test replace or add any part to build what other writers produce.
 */

import * as zlib from "node:zlib";
import { deflateRawSync } from "node:zlib";

/** A cell: text, a number, a boolean, empty, a number or a text shown through a format code. */
export type XlsxCell =
	| string
	| number
	| boolean
	| null
	| { readonly serial: number; readonly format: string }
	| { readonly text: string; readonly format: string }
	| { readonly inline: string };

export interface XlsxSheet {
	readonly name: string;
	readonly rows: readonly (readonly XlsxCell[])[];
	/** Sheet rows left empty before the first row (a title above the table, say). @default 0 */
	readonly skipRows?: number;
	readonly isHidden?: boolean;
}

export interface XlsxSpec {
	readonly sheets: readonly XlsxSheet[];
	readonly is1904?: boolean;
	/** Parts added or replaced, by name. */
	readonly parts?: Readonly<Record<string, string | Uint8Array>>;
}

const escapeXml = (text: string): string =>
	text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function columnName(index: number): string {
	let out = "";
	for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
		out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
	return out;
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** The parts of a workbook, before zipping. */
export function xlsxParts(spec: XlsxSpec): Record<string, string | Uint8Array> {
	const strings: string[] = [];
	const stringIndex = new Map<string, number>();
	const formats: string[] = [];
	const shared = (text: string): number => {
		let at = stringIndex.get(text);
		if (at === undefined) {
			at = strings.length;
			strings.push(text);
			stringIndex.set(text, at);
		}
		return at;
	};
	const styleOf = (format: string): number => {
		let at = formats.indexOf(format);
		if (at === -1) at = formats.push(format) - 1;
		return at + 1; // style 0 is General
	};
	const sheetXml = (sheet: XlsxSheet): string => {
		const rows = sheet.rows.map((row, r) => {
			const number = r + 1 + (sheet.skipRows ?? 0);
			const cells = row.map((cell, c) => {
				const ref = `${columnName(c)}${number}`;
				if (cell === null || cell === "") return "";
				if (typeof cell === "string") return `<c r="${ref}" t="s"><v>${shared(cell)}</v></c>`;
				if (typeof cell === "number") return `<c r="${ref}"><v>${cell}</v></c>`;
				if (typeof cell === "boolean") return `<c r="${ref}" t="b"><v>${cell ? 1 : 0}</v></c>`;
				if ("inline" in cell)
					return `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(cell.inline)}</t></is></c>`;
				if ("text" in cell)
					return `<c r="${ref}" t="s" s="${styleOf(cell.format)}"><v>${shared(cell.text)}</v></c>`;
				return `<c r="${ref}" s="${styleOf(cell.format)}"><v>${cell.serial}</v></c>`;
			});
			return `<row r="${number}">${cells.join("")}</row>`;
		});
		return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS} ${REL_NS}><sheetData>${rows.join("")}</sheetData></worksheet>`;
	};
	const sheets = spec.sheets.map(sheetXml);
	const parts: Record<string, string | Uint8Array> = {};
	parts["[Content_Types].xml"] =
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${spec.sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("")}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
	parts["_rels/.rels"] =
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
	parts["xl/workbook.xml"] =
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook ${NS} ${REL_NS}><workbookPr${spec.is1904 === true ? ' date1904="1"' : ""}/><sheets>${spec.sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}"${s.isHidden === true ? ' state="hidden"' : ""} r:id="rId${i + 1}"/>`).join("")}</sheets></workbook>`;
	const n = spec.sheets.length;
	parts["xl/_rels/workbook.xml.rels"] =
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${spec.sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("")}<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId${n + 2}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
	sheets.forEach((xml, i) => {
		parts[`xl/worksheets/sheet${i + 1}.xml`] = xml;
	});
	parts["xl/styles.xml"] =
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet ${NS}><numFmts count="${formats.length}">${formats.map((f, i) => `<numFmt numFmtId="${164 + i}" formatCode="${escapeXml(f)}"/>`).join("")}</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${formats.length + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>${formats.map((_, i) => `<xf numFmtId="${164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`).join("")}</cellXfs></styleSheet>`;
	parts["xl/sharedStrings.xml"] =
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst ${NS} count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t${/^\s|\s$/.test(s) ? ' xml:space="preserve"' : ""}>${escapeXml(s)}</t></si>`).join("")}</sst>`;
	return { ...parts, ...spec.parts };
}

/** A zip archive of `parts` (deflated), as Excel writes it. */
export function zipParts(parts: Readonly<Record<string, string | Uint8Array>>): Buffer {
	const locals: Buffer[] = [];
	const central: Buffer[] = [];
	let offset = 0;
	for (const [name, content] of Object.entries(parts)) {
		const data = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
		const packed = deflateRawSync(data);
		const nameBytes = Buffer.from(name, "utf8");
		const crc = zlib.crc32(data);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(0x0800, 6); // names in UTF-8
		local.writeUInt16LE(8, 8); // deflate
		local.writeUInt32LE(0, 10); // time, date
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(packed.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(nameBytes.length, 26);
		local.writeUInt16LE(0, 28);
		const entry = Buffer.alloc(46);
		entry.writeUInt32LE(0x02014b50, 0);
		entry.writeUInt16LE(20, 4);
		entry.writeUInt16LE(20, 6);
		entry.writeUInt16LE(0x0800, 8);
		entry.writeUInt16LE(8, 10);
		entry.writeUInt32LE(0, 12);
		entry.writeUInt32LE(crc, 16);
		entry.writeUInt32LE(packed.length, 20);
		entry.writeUInt32LE(data.length, 24);
		entry.writeUInt16LE(nameBytes.length, 28);
		entry.writeUInt32LE(offset, 42);
		locals.push(local, nameBytes, packed);
		central.push(entry, nameBytes);
		offset += local.length + nameBytes.length + packed.length;
	}
	const directory = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(central.length / 2, 8);
	end.writeUInt16LE(central.length / 2, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, directory, end]);
}

/** The bytes of an .xlsx workbook. */
export function xlsxBytes(spec: XlsxSpec): Buffer {
	return zipParts(xlsxParts(spec));
}

/** Excel's day serial (1900 system) of an ISO date. */
export function excelSerial(iso: string): number {
	const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
	return (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000;
}
