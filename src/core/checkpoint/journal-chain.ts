/**
 * The journal's chain (format version 3): every journal line ends with a link,
 * `…,"h":"<16 hex>"}`, the first 16 hex of SHA-256(the previous line's link + the line's text
 * before `,"h":"`). The first line's "previous link" is the seed, the same hash of the snapshot's
 * first line, which holds the digest of its records: so a journal line fits only after the lines
 * it was written after, on top of the snapshot it was written on. An edited, removed, reordered
 * or spliced-in line breaks the chain at the line that follows it (or at itself), and the state
 * is refused as damaged, where each such line alone would still read as a record's state.
 *
 * What a chain cannot tell: a journal cut back at a line boundary (a prefix of a chain is a
 * chain), and a deliberate forger who recomputes the links (there is no secret to sign with: a
 * state outlives keys, and `state copy` runs without one). It is damage- and edit-evident, not a
 * signature.
 */

import { hash } from "node:crypto";

/** The member that holds a line's link. */
export const HEAD_LINK = "h";
/** Hex digits of a link: 64 bits, so damage that still fits its line's link is a 1 in 2^64 chance. */
const LINK_HEX = 16;
const LINK_HEAD = ',"h":"';
const LINK_TAIL = '"}';
/** The length of `,"h":"<link>"}`, which ends every chained line. */
const LINK_SUFFIX = LINK_HEAD.length + LINK_HEX + LINK_TAIL.length;
const HEX = /^[0-9a-f]+$/;

/** The link a line of text `body` (a line without its link) makes after the link `previous`. */
export function nextLink(previous: string, body: string): string {
	// One native call on a short string: about half a microsecond (createHash costs twice that).
	return hash("sha256", previous + body, "hex").slice(0, LINK_HEX);
}

/** The seed of a snapshot's journal: a link of its first line (header, counters, records digest). */
export function chainSeed(firstLine: string | Uint8Array): string {
	return hash("sha256", firstLine, "hex").slice(0, LINK_HEX);
}

/**
 * The snapshot's first line ends with a link of its own text, `…,"h":"<16 hex>"}` (added within
 * version 3): `headLink` of the text before `,"h":"`. Its records are covered by their digest and
 * its journal by the chain seeded from it, but a compacted state (every finished run) has no
 * journal line to prove the seed: without this, an edit of its run id or counters would load.
 * A first line without the member is one written before it was added, read as before.
 */
export function headLink(body: string): string {
	return hash("sha256", body, "hex").slice(0, LINK_HEX);
}

/** A snapshot's first line (without its newline) whose text is `body` (a JSON object's text without its closing `}`), covered. */
export function coveredHead(body: string): string {
	return `${body}${LINK_HEAD}${headLink(body)}${LINK_TAIL}`;
}

/** Whether a first line that carries the member `h` still matches it (false when it does not end with a link at all). */
export function isHeadIntact(line: string): boolean {
	const split = splitLink(line);
	return split !== undefined && headLink(split.body) === split.link;
}

/** The journal line of `body` (a JSON object's text without its closing `}`) with its link `link`. */
export function chainedLine(body: string, link: string): string {
	return `${body}${LINK_HEAD}${link}${LINK_TAIL}\n`;
}

/**
 * The line's text before its link, and the link, when `line` (without its newline) ends with
 * one; `undefined` when it does not.
 */
export function splitLink(line: string): { readonly body: string; readonly link: string } | undefined {
	const at = line.length - LINK_SUFFIX;
	if (at < 1 || !line.startsWith(LINK_HEAD, at) || !line.endsWith(LINK_TAIL)) return undefined;
	const link = line.slice(at + LINK_HEAD.length, line.length - LINK_TAIL.length);
	return HEX.test(link) ? { body: line.slice(0, at), link } : undefined;
}
