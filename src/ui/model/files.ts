import { readdir, stat } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import type { PassName } from "../../model/records.js";
import { fileOnDisk, splitSheet } from "../../source/workbook-path.js";

/** CSV files and .xlsx workbooks directly in `folder`, sorted by name. A missing folder has none. */
export async function listCsvFiles(folder: string): Promise<readonly string[]> {
	try {
		const entries = await readdir(folder, { withFileTypes: true });
		return entries
			.filter((e) => e.isFile() && /\.(csv|xlsx)$/i.test(e.name) && !e.name.startsWith("~$"))
			.map((e) => e.name)
			.sort((a, b) => a.localeCompare(b));
	} catch {
		return [];
	}
}

/** Checkpoint files directly in `folder` (`*.checkpoint.json`), sorted by name. */
export async function listCheckpoints(folder: string): Promise<readonly string[]> {
	try {
		const entries = await readdir(folder);
		return entries.filter((name) => name.endsWith(".checkpoint.json")).sort((a, b) => a.localeCompare(b));
	} catch {
		return [];
	}
}

/** Names containing every whitespace-separated word of `filter`, case-insensitively. */
export function filterNames(names: readonly string[], filter: string): readonly string[] {
	const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
	if (words.length === 0) return names;
	return names.filter((name) => words.every((w) => name.toLowerCase().includes(w)));
}

/** `typed` as a path: absolute, or relative to `folder`. */
export function resolveTyped(folder: string, typed: string): string {
	const trimmed = typed.trim();
	return isAbsolute(trimmed) ? trimmed : resolve(folder, trimmed);
}

export async function isFile(path: string): Promise<boolean> {
	try {
		return (await stat(fileOnDisk(path))).isFile();
	} catch {
		return false;
	}
}

const HINTS: Readonly<Record<PassName, readonly string[]>> = {
	customers: ["customer", "compan", "account"],
	contacts: ["contact", "people", "person"],
	onboardings: ["onboard", "project", "launch"],
};

/**
 * The files of `names` ordered for the `pass` step: those whose name suggests the pass first, then
 * those sharing the customers file's stem (siblings), then the rest. Files already chosen are left out.
 */
export function suggestFor(
	pass: PassName,
	names: readonly string[],
	customersFile?: string,
	taken: readonly string[] = [],
): readonly string[] {
	const chosen = customersFile ? basename(customersFile) : undefined;
	const isTaken = new Set(taken.map((path) => basename(path)));
	const stem = chosen?.replace(/\.csv$/i, "").replace(/[-_.]?(customers?|companies|accounts?)$/i, "");
	const score = (name: string): number => {
		const lower = name.toLowerCase();
		if (HINTS[pass].some((h) => lower.includes(h)))
			return stem && lower.startsWith(stem.toLowerCase()) ? 0 : 1;
		return stem && lower.startsWith(stem.toLowerCase()) ? 2 : 3;
	};
	return names
		.filter((name) => name !== chosen && !isTaken.has(name))
		.map((name, index) => ({ name, index, score: score(name) }))
		.sort((a, b) => a.score - b.score || a.index - b.index)
		.map((e) => e.name);
}

/** The sheet of `sheets` named like `pass` (`Contacts`, `People`…), else the first for customers. */
export function sheetFor(pass: PassName, sheets: readonly string[]): string | undefined {
	return sheets.find((s) => isLikelyFor(pass, s)) ?? (pass === "customers" ? sheets[0] : undefined);
}

/** True when the best suggestion for `pass` names the pass (worth pre-selecting). */
export function isLikelyFor(pass: PassName, name: string | undefined): boolean {
	return name !== undefined && HINTS[pass].some((h) => name.toLowerCase().includes(h));
}

export function joinFolder(folder: string, name: string): string {
	return isAbsolute(name) ? name : join(folder, name);
}

/**
 * What the file step of `pass` lists and highlights: the customers step every CSV file, with
 * the one named like customers first under the cursor; the others the files named like the
 * customers file first, highlighted only when one looks like it. A file chosen before, or
 * wanted by the command line, is highlighted instead.
 */
export function fileStepChoices(
	pass: PassName,
	names: readonly string[],
	chosen: Readonly<Partial<Record<PassName, string>>>,
	wanted: string | undefined,
): { readonly ordered: readonly string[]; readonly initial: string | undefined } {
	const ordered =
		pass === "customers"
			? names
			: suggestFor(
					pass,
					names,
					chosen.customers,
					pass === "onboardings" && chosen.contacts ? [chosen.contacts] : [],
				);
	// One workbook for every file: after its customers sheet, the workbook comes first again.
	const book = chosen.customers === undefined ? undefined : splitSheet(chosen.customers);
	if (pass !== "customers" && book?.isWorkbook === true) {
		const name = basename(book.file);
		const rest = ordered.filter((n) => n !== name);
		const withBook = names.includes(name) ? [name, ...rest] : rest;
		const picked = chosen[pass];
		return {
			ordered: withBook,
			initial: picked !== undefined ? basename(fileOnDisk(picked)) : (wanted ?? withBook[0]),
		};
	}
	const picked = chosen[pass];
	if (picked !== undefined) return { ordered, initial: basename(fileOnDisk(picked)) };
	if (wanted !== undefined) return { ordered, initial: wanted };
	const initial =
		pass === "customers"
			? (ordered.find((name) => isLikelyFor("customers", name)) ?? ordered[0])
			: isLikelyFor(pass, ordered[0])
				? ordered[0]
				: undefined;
	return { ordered, initial };
}
