import { readFileSync, writeFileSync } from "node:fs";
import { RECORDS_SHA256 } from "../../src/core/checkpoint/checkpoint-format.js";

/**
 * Edits a checkpoint file's text as a test stands in for a state some other writer made (an
 * earlier version's keys, a record adopted rather than created). The snapshot's digest is taken
 * out, as an earlier writer leaves it: a digest that no longer matches would be refused as damage.
 */
export function editState(path: string, edit: (text: string) => string): string {
	const text = readFileSync(path, "utf8");
	const edited = edit(text);
	const end = edited.indexOf("\n");
	const first = JSON.parse(edited.slice(0, end)) as Record<string, unknown>;
	delete first[RECORDS_SHA256];
	writeFileSync(path, `${JSON.stringify(first)}${edited.slice(end)}`);
	return text;
}
