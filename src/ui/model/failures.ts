import type { FailureDetail } from "../../core/run-types.js";
import { PASSES } from "../../model/records.js";

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

/** A failure as one string: the record and why, so the same failure met again is recognised. */
export function failureId(failure: Pick<FailureDetail, "pass" | "key" | "code">): string {
	return `${failure.pass}:${failure.key}:${failure.code}`;
}

/** The failures that are not in `inherited` (the import's, carried along by the undo's state). */
export function ownFailures(
	failures: readonly FailureDetail[],
	inherited: ReadonlySet<string>,
): readonly FailureDetail[] {
	return inherited.size === 0 ? failures : failures.filter((f) => !inherited.has(failureId(f)));
}

/** Failures per code, as the summary lists them. */
export function countByCode(failures: readonly FailureDetail[]): Readonly<Record<string, number>> {
	const codes: Record<string, number> = {};
	for (const f of failures) codes[f.code] = (codes[f.code] ?? 0) + 1;
	return codes;
}
