import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { PASSES } from "../model/records.js";
import { fileOnDisk } from "../source/workbook-path.js";
import { InputError } from "./open-state.js";
import type { SourceCheckSummary, SourceFiles } from "./run-types.js";

/**
 * Refuse to apply a plan whose files changed after it was made: the run would import rows
 * nobody reviewed. Costs one read of each file.
 */
export async function checkUnchanged(files: SourceFiles, check: SourceCheckSummary): Promise<void> {
	for (const pass of PASSES) {
		const file = files[pass];
		const planned = check.fingerprints[pass];
		if (!file || planned === undefined) continue;
		if ((await sha256Of(file)) !== planned) {
			throw new InputError(
				`${file} changed after the plan was made; nothing was sent. Run the command again to plan against the file as it is now.`,
			);
		}
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
