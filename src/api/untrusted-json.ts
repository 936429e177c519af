/**
 * A parsed answer made safe to keep: every string (and object key) redacted, and — for error
 * bodies, which are only ever shown and stored — capped in size and depth with control
 * characters escaped. Iterative over an explicit stack, so a hostile nesting cannot overflow ours.
 */

import { escapeServerText } from "../model/terminal-text.js";
import type { Redactor } from "./redact.js";

/** Longest server message, code or field kept: one sentence, not 50 MB. */
export const MESSAGE_MAX = 300;
/** Longest string kept anywhere else in an error body. */
const STRING_MAX = 1_000;
/** Deepest nesting and most entries per object or array kept of an error body. */
const DEPTH_MAX = 16;
const ENTRIES_MAX = 50;

/** A string cut to `max` characters, saying how long it was. */
export function capText(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** Redacted, capped and escaped (bidi controls too): a server's string fit for a sentence, the state and a CSV. */
export function cleanServerText(text: string, redact: Redactor, max = MESSAGE_MAX): string {
	return escapeServerText(capText(redactThrough(text, redact), max));
}

/**
 * Escape sequences, control characters and characters drawn as nothing (zero-width, bidi): what a
 * server can put inside a secret it echoes so that no run of its characters stands together.
 */
const HIDDEN =
	/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b.?|[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * `redact(text)`, and a secret split by hidden characters found too: where taking them out shows
 * one, the text is kept without them, redacted (adversarial finding AI4: the key with `\x1b[0m`
 * inside it was kept whole in the failures CSV, the NDJSON and the state).
 */
function redactThrough(text: string, redact: Redactor): string {
	const redacted = redact(text);
	HIDDEN.lastIndex = 0;
	if (!HIDDEN.test(redacted)) return redacted;
	const bare = redacted.replace(HIDDEN, "");
	const again = redact(bare);
	return again === bare ? redacted : again;
}

interface Options {
	readonly redact: Redactor;
	/** Cap, escape and prune: for error bodies. Success bodies are data and only redacted. */
	readonly isShownOnly: boolean;
}

/** A copy of `value` (parsed JSON) with every string cleaned as `options` says. */
export function cleanJson(value: unknown, options: Options): unknown {
	const clean = (text: string) =>
		options.isShownOnly ? cleanServerText(text, options.redact, STRING_MAX) : options.redact(text);
	const root: { value: unknown } = { value };
	// Each entry: a container already copied, waiting for its children to be cleaned into it.
	const stack: { from: unknown; into: Record<string, unknown> | unknown[]; depth: number }[] = [];
	const copy = (from: unknown, depth: number): unknown => {
		if (typeof from === "string") return clean(from);
		if (typeof from !== "object" || from === null) return from;
		if (options.isShownOnly && depth >= DEPTH_MAX) return "(nested too deeply; not kept)";
		const into: Record<string, unknown> | unknown[] = Array.isArray(from) ? [] : {};
		stack.push({ from, into, depth });
		return into;
	};
	root.value = copy(value, 0);
	while (stack.length > 0) {
		const { from, into, depth } = stack.pop()!;
		if (Array.isArray(from)) {
			const list = into as unknown[];
			const kept = options.isShownOnly ? from.slice(0, ENTRIES_MAX) : from;
			for (const item of kept) list.push(copy(item, depth + 1));
			if (kept.length < from.length) list.push(`(${from.length - kept.length} more not kept)`);
			continue;
		}
		const object = into as Record<string, unknown>;
		const entries = Object.entries(from as Record<string, unknown>);
		const kept = options.isShownOnly ? entries.slice(0, ENTRIES_MAX) : entries;
		// Defined, not assigned: a `__proto__` key stays a plain property, as JSON.parse made it.
		for (const [name, item] of kept) {
			Object.defineProperty(object, clean(name), {
				value: copy(item, depth + 1),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
	}
	return root.value;
}

/**
 * Success data as `cleanJson` leaves it, copied only when that could change it. A body without a
 * backslash holds every string (and key) exactly as it stands in `text`, so when no secret is found
 * in the text none is in any string; a find that spans two strings merely takes the long way.
 */
export function cleanData(
	value: unknown,
	text: string,
	redact: Redactor,
	hasSecret: (text: string) => boolean,
): unknown {
	if (!text.includes("\\") && !hasSecret(text)) return value;
	return cleanJson(value, { redact, isShownOnly: false });
}

/** Deepest nesting a success body may have: records are a few levels deep; JSON.stringify recurses. */
export const DATA_DEPTH_MAX = 64;

/**
 * True when `value` nests deeper than `max` levels (walked with an explicit stack). `text`, the
 * JSON it was parsed from, settles the usual answer without the walk: every level is opened by a
 * `{` or `[` of its own, so a text with no more than `max` of them cannot nest deeper.
 */
export function isNestedDeeper(value: unknown, max: number, text?: string): boolean {
	if (text !== undefined && openers(text, max + 1) <= max) return false;
	const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
	while (stack.length > 0) {
		const { value: at, depth } = stack.pop()!;
		if (typeof at !== "object" || at === null) continue;
		if (depth >= max) return true;
		for (const child of Array.isArray(at) ? at : Object.values(at))
			stack.push({ value: child, depth: depth + 1 });
	}
	return false;
}

/** How many `{` and `[` `text` holds, counted up to `atMost`. */
function openers(text: string, atMost: number): number {
	let count = 0;
	for (const bracket of ["{", "["]) {
		for (let at = text.indexOf(bracket); at !== -1 && count < atMost; at = text.indexOf(bracket, at + 1))
			count++;
	}
	return count;
}
