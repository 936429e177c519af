/**
 * A pass's records from the copy the plan's read kept (plan/kept-records.ts), for the run to send
 * without reading the file again. The file is still held to the bytes it was checked with: it is
 * hashed before the first record is handed out (a file changed since the check sends nothing of
 * it, as the read on the way to the wire would find at its first block), and again once the last
 * was (a file changed while its records were sent stops the run after the pass, resumable; what
 * was sent was the file as checked). Either throws `SourceFileError`, which stops the run.
 */

import { SourceFileError } from "../source/index.js";
import type { KeptEntry, KeptRecords } from "./plan/kept-records.js";
import { sha256Of } from "./source-hash.js";

/** What the copy is held to: the file's SHA-256 when it was checked. */
export interface CheckedBytes {
	readonly sha256: string;
}

/**
 * Can the run use `kept` for its pass? Not when a copy was given up, nor (a child pass) when a
 * customer the plan counted on for quick settlement reads otherwise now (`isQuickParent`).
 */
export function isKeptUsable(
	kept: KeptRecords | undefined,
	isQuickParent: (key: string) => boolean,
): boolean {
	if (kept === undefined || !kept.isUsable) return false;
	return kept.parent === undefined || kept.parent.isParentAsPlanned(isQuickParent);
}

/**
 * The kept entries of `file`'s pass, in file order and in blocks, between two proofs that the
 * file is as checked. `isCounted`: as `KeptRecords.entries` gives them so.
 */
export async function* keptEntries(
	kept: KeptRecords,
	file: string,
	bytes: CheckedBytes,
	isCounted = false,
): AsyncGenerator<readonly KeptEntry[], void, undefined> {
	await proveSame(file, bytes, "after it was checked; none of its records were sent");
	yield* kept.blocks(isCounted);
	await proveSame(file, bytes, "while its records were sent (they were sent as checked)");
}

async function proveSame(file: string, bytes: CheckedBytes, when: string): Promise<void> {
	let digest: string | undefined;
	try {
		digest = await sha256Of(file);
	} catch {
		digest = undefined;
	}
	if (digest === bytes.sha256) return;
	throw new SourceFileError({
		file,
		line: 0,
		message: `the file changed ${when}. Run the command again to check the file as it is now.`,
	});
}
