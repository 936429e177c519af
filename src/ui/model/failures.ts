import type { FailureDetail } from "../../core/run-types.js";
import { PASSES } from "../../core/records.js";

export interface FailureGroup {
	readonly pass: FailureDetail["pass"];
	readonly code: string;
	readonly items: readonly FailureDetail[];
}

/** Failures grouped by pass (in pass order) then by code (largest group first), lines ascending. */
export function groupFailures(failures: readonly FailureDetail[]): readonly FailureGroup[] {
	const groups: FailureGroup[] = [];
	for (const pass of PASSES) {
		const byCode = new Map<string, FailureDetail[]>();
		for (const f of failures) {
			if (f.pass !== pass) continue;
			const list = byCode.get(f.code) ?? [];
			list.push(f);
			byCode.set(f.code, list);
		}
		const sorted = [...byCode.entries()].sort(
			(a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]),
		);
		for (const [code, items] of sorted) {
			groups.push({ pass, code, items: items.slice().sort((a, b) => a.line - b.line) });
		}
	}
	return groups;
}

/** Group headers and failures in display order: what the scrollable list walks over. */
export type FailureRow =
	| { readonly kind: "group"; readonly group: FailureGroup }
	| { readonly kind: "item"; readonly failure: FailureDetail };

export function flattenGroups(groups: readonly FailureGroup[]): readonly FailureRow[] {
	return groups.flatMap((group) => [
		{ kind: "group", group } as const,
		...group.items.map((failure) => ({ kind: "item", failure }) as const),
	]);
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell, quoted when needed. A cell a spreadsheet would run as a formula (starting with
 * = + - @ tab or CR) is neutralised with a leading single quote (OWASP CSV injection advice).
 */
export function csvCell(value: string): string {
	const safe = FORMULA_START.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The failures as CSV: what went wrong first, then the original cells of each row. */
export function failuresCsv(failures: readonly FailureDetail[]): string {
	const columnNames: string[] = [];
	for (const f of failures) {
		for (const name of Object.keys(f.columns)) if (!columnNames.includes(name)) columnNames.push(name);
	}
	const header = ["pass", "line", "key", "status", "code", "message", "field", "attempts", ...columnNames];
	const rows = failures.map((f) => [
		f.pass,
		String(f.line),
		f.key,
		f.status === null ? "" : String(f.status),
		f.code,
		f.message,
		f.field ?? "",
		String(f.attempts),
		...columnNames.map((name) => f.columns[name] ?? ""),
	]);
	return `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
