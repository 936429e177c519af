/**
 * Before the mapping step: are the chosen CSV files in UTF-8? If not, what the encoding step
 * offers: the detected code page, the others, and the rows that differ as each reads them.
 */

import { basename } from "node:path";
import type { PassName } from "../../model/records.js";
import { PASSES } from "../../model/records.js";
import type { UiServices } from "../services.js";
import { encodingChoices, previewLine, rowsThatDiffer } from "./encoding-choices.js";

export interface EncodingOffer {
	readonly files: readonly string[];
	readonly detected: string;
	readonly choices: readonly string[];
	readonly previews: Readonly<Record<string, readonly string[]>>;
}

/** The offer, or undefined when every file reads as UTF-8 (or says what it is with a BOM). */
export async function encodingOffer(
	files: Readonly<Partial<Record<PassName, string>>>,
	services: Pick<UiServices, "detectEncoding" | "sampleSource">,
	delimiter: string | undefined,
): Promise<EncodingOffer | undefined> {
	const odd: { file: string; detected: string }[] = [];
	for (const pass of PASSES) {
		const file = files[pass];
		if (file === undefined) continue;
		const detected = await services.detectEncoding(file);
		if (detected !== undefined) odd.push({ file, detected });
	}
	const first = odd[0];
	if (first === undefined) return undefined;
	const choices = encodingChoices(first.detected);
	const samples = await Promise.all(
		// The rows outside ASCII, wherever they are in the file: the first rows of an export are often
		// all ASCII, and would look the same under every choice.
		choices.map((encoding) => services.sampleSource(first.file, { encoding, delimiter }, "not-ascii")),
	);
	const reference = samples[0]!;
	const rows = rowsThatDiffer(reference.header, reference.rows);
	const previews: Record<string, readonly string[]> = {};
	choices.forEach((encoding, i) => {
		const sample = samples[i]!;
		previews[encoding] = rows.map((r) => previewLine((r === -1 ? sample.header : sample.rows[r]) ?? []));
	});
	return { files: odd.map((o) => basename(o.file)), detected: first.detected, choices, previews };
}
