/**
 * The files row d also reads as a user with another program's export would: the same million
 * customers under CRM-style headers with a map (every column renamed, statuses translated), and
 * the same rows re-encoded as Windows-1252 and read with `--encoding windows-1252`.
 */

import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import iconv from "iconv-lite";

export interface Variant {
	/** Shown in the table after "--dry-run". */
	readonly label: string;
	readonly file: string;
	/** Extra arguments of the dry run. */
	readonly args: readonly string[];
}

/** Header names as a CRM would write them: "Record ID" for external_id, "Src name" for the rest. */
const RENAMED: Readonly<Record<string, string>> = {
	external_id: "Record ID",
	name: "Company name",
	domain: "Company Domain Name",
	status: "Lifecycle Stage",
};

/** Statuses in the spelling of an export: each one found through the map's values table. */
const STATUS_VALUES = {
	Onboarding: "onboarding",
	Active: "active",
	"At risk": "at_risk",
	Churned: "churned",
	Archived: "archived",
};

async function copyLines(
	from: string,
	to: string,
	header: (cells: string[]) => string,
	encode: (text: string) => string | Buffer,
	edit: (line: string) => string = (line) => line,
): Promise<string[]> {
	const out = createWriteStream(to);
	const lines = createInterface({ input: createReadStream(from), crlfDelay: Number.POSITIVE_INFINITY });
	let headerCells: string[] | undefined;
	let batch = "";
	for await (const line of lines) {
		if (headerCells === undefined) {
			headerCells = line.split(",");
			batch += `${header(headerCells)}\n`;
			continue;
		}
		batch += `${edit(line)}\n`;
		if (batch.length > 1 << 20) {
			if (!out.write(encode(batch))) await once(out, "drain");
			batch = "";
		}
	}
	out.end(encode(batch));
	await once(out, "finish");
	return headerCells ?? [];
}

/** A copy of `customers` under CRM-style headers, and the map that reads it. */
export async function mappedVariant(customers: string, dir: string): Promise<Variant> {
	const file = join(dir, "crm-companies.csv");
	const rename = (h: string): string => RENAMED[h] ?? (h.startsWith("metadata.") ? h : `Src ${h}`);
	const header = await copyLines(
		customers,
		file,
		(cells) => cells.map(rename).join(","),
		(t) => t,
	);
	const columns = Object.fromEntries(
		header.filter((h) => !h.startsWith("metadata.")).map((h) => [h, rename(h)]),
	);
	const map = join(dir, "crm-companies.map.json");
	await writeFile(
		map,
		JSON.stringify({ customers: { columns, values: { status: STATUS_VALUES } } }, null, 2),
	);
	return { label: "with a map", file, args: ["--map", map] };
}

/** `customers` re-encoded as Windows-1252, read with `--encoding windows-1252`. */
export async function windows1252Variant(customers: string, dir: string): Promise<Variant> {
	const file = join(dir, "customers-1252.csv");
	await copyLines(
		customers,
		file,
		(cells) => cells.join(","),
		(t) => iconv.encode(t, "windows-1252"),
	);
	return { label: "--encoding windows-1252", file, args: ["--encoding", "windows-1252"] };
}
