import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { PASSES } from "../model/records.js";
import { fileOnDisk } from "../source/workbook-path.js";
import { InputError } from "./open-state.js";
import type { SourceCheckSummary, SourceFiles } from "./run-types.js";

/**
 * Refuse to apply a plan whose files changed after it was made: the run would import rows
 * nobody reviewed. A file whose check noted its blocks (`known.bytes`) and whose size and
 * modification time are as then costs a stat: the pass reading it proves every block before
 * its rows are sent (source/byte-blocks.ts). Any other file costs one read, hashed.
 */
export async function checkUnchanged(files: SourceFiles, check: SourceCheckSummary): Promise<void> {
	const file = await firstChangedFile(files, check);
	if (file !== undefined) {
		throw new InputError(
			`${file} changed after the plan was made; nothing was sent. Run the command again to plan against the file as it is now.`,
		);
	}
}

/** The first of `files` whose bytes are no longer the ones `check` read (as `checkUnchanged` tells), or undefined. */
export async function firstChangedFile(
	files: SourceFiles,
	check: Pick<SourceCheckSummary, "fingerprints" | "known">,
): Promise<string | undefined> {
	for (const pass of PASSES) {
		const file = files[pass];
		const planned = check.fingerprints[pass];
		if (!file || planned === undefined) continue;
		const bytes = check.known?.[pass]?.bytes;
		if (bytes !== undefined && bytes.sha256 === planned && (await isAsChecked(file, bytes))) continue;
		if ((await sha256OrNone(file)) !== planned) return file;
	}
	return undefined;
}

/** A file that can no longer be read has changed as surely as one rewritten. */
async function sha256OrNone(file: string): Promise<string | undefined> {
	try {
		return await sha256Of(file);
	} catch {
		return undefined;
	}
}

async function isAsChecked(file: string, bytes: { size: number; mtimeMs: number }): Promise<boolean> {
	try {
		const info = await stat(fileOnDisk(file));
		return info.size === bytes.size && info.mtimeMs === bytes.mtimeMs;
	} catch {
		return false;
	}
}

/** SHA-256 of a file's bytes, hex, read as a stream. */
export function sha256Of(path: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = createHash("sha256");
		createReadStream(fileOnDisk(path))
			.on("data", (chunk) => hash.update(chunk))
			.on("error", reject)
			.on("end", () => resolve(hash.digest("hex")));
	});
}
