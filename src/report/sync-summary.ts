/**
 * What the sync rules did, as the closing summary says it per pass: rows left out by `--only`,
 * records `--delete-missing` deleted, and each record whose fields `--keep-pivotal-edits` kept.
 */

import { EDITED_IN_PIVOTAL } from "../core/plan/sync-rules.js";
import type { FailureDetail, PassSummary } from "../core/run-types.js";
import type { PassName } from "../model/records.js";

/** At most this many records with kept fields are listed per pass; the rest are counted. */
const SHOWN_KEPT = 10;

export function syncSummaryLines(pass: PassName, p: PassSummary, notes: readonly FailureDetail[]): string[] {
	const lines: string[] = [];
	if ((p.skipped ?? 0) > 0) lines.push(`  ${pass}: ${p.skipped} left out by --only (nothing sent for them)`);
	if (p.deleted > 0)
		lines.push(
			`  ${pass}: ${p.deleted} deleted (--delete-missing: created by this import, gone from the file)`,
		);
	const kept = notes.filter((n) => n.pass === pass && n.code === EDITED_IN_PIVOTAL);
	if (kept.length > 0) {
		lines.push(`  ${pass}: ${kept.length} with fields edited in Pivotal, kept (--keep-pivotal-edits):`);
		for (const note of kept.slice(0, SHOWN_KEPT))
			lines.push(`    ${note.key}${note.line > 0 ? ` (line ${note.line})` : ""}: ${note.message}`);
		if (kept.length > SHOWN_KEPT)
			lines.push(`    …and ${kept.length - SHOWN_KEPT} more (--results-csv lists them all)`);
	}
	return lines;
}
