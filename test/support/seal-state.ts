/**
 * Writes a state file's text as pivotal-tui would have written it: the snapshot's digest of its
 * record lines, its first line's own link and every journal line's link made anew (journal-chain.ts). For tests that stand
 * in for a state some other writer made (an earlier version's keys, a record adopted rather than
 * created, a line another run appended): without it the edit is refused as damage, as it should.
 */

import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { DIGEST_PLACEHOLDER, RECORDS_SHA256 } from "../../src/core/checkpoint/checkpoint-format.js";
import {
	chainedLine,
	chainSeed,
	coveredHead,
	HEAD_LINK,
	nextLink,
	splitLink,
} from "../../src/core/checkpoint/journal-chain.js";

/** `text` (a whole state file of the current version) with its digest and links made to fit. */
export function sealState(text: string): string {
	const lines = text.split("\n");
	const torn = lines.pop() ?? "";
	const { [HEAD_LINK]: _, ...first } = JSON.parse(lines[0] ?? "") as Record<string, unknown> & {
		records: number;
	};
	const records = lines.slice(1, 1 + first.records);
	const hash = createHash("sha256");
	for (const line of records) hash.update(`${line}\n`);
	first[RECORDS_SHA256] = hash.digest("hex");
	const head = coveredHead(JSON.stringify(first).slice(0, -1));
	let link = chainSeed(head);
	const journal = lines.slice(1 + first.records).map((line) => {
		if (line.trim() === "") return `${line}\n`;
		const body = splitLink(line)?.body ?? line.slice(0, line.lastIndexOf("}"));
		link = nextLink(link, body);
		return chainedLine(body, link);
	});
	return `${head}\n${records.map((line) => `${line}\n`).join("")}${journal.join("")}${torn}`;
}

/** Appends the journal line of `entry` (an object, as a writer's line holds) to the state at `path`, linked. */
export function appendChained(path: string, entry: Record<string, unknown>): void {
	const lines = readFileSync(path, "utf8").split("\n");
	lines.pop();
	const first = JSON.parse(lines[0] ?? "") as { records: number; [RECORDS_SHA256]: string };
	if (first[RECORDS_SHA256] === DIGEST_PLACEHOLDER) throw new Error("the state was never written whole");
	const last = lines.length > 1 + first.records ? splitLink(lines.at(-1) ?? "")?.link : undefined;
	const link = last ?? chainSeed(lines[0] ?? "");
	const body = JSON.stringify(entry).slice(0, -1);
	appendFileSync(path, chainedLine(body, nextLink(link, body)));
}

/** A state's first line (without its newline) with its own link made anew, as after an edit covered up. */
export function coverHead(line: string): string {
	return coveredHead(splitLink(line)?.body ?? line.slice(0, line.lastIndexOf("}")));
}
