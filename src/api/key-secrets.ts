/**
 * What of the API key a response may echo, for the redactor: the key, its secret part (and any
 * long run of it), and the key base64-encoded, as a gateway or proxy writes an `Authorization`
 * it echoes (`Basic base64(key:)`, `base64("Bearer " + key)`, a token inside a larger blob).
 */

import { maskKey } from "./key.js";
import type { Secret } from "./redact.js";

/**
 * The characters any base64 text that encodes `bytes` somewhere inside it must contain: for each
 * of the three alignments the bytes may start at, the groups of four characters that only the
 * key's bytes decide (a group shared with what comes before or after is left out).
 */
export function base64Runs(bytes: Buffer): string[] {
	const runs = new Set<string>();
	for (let shift = 0; shift < 3; shift += 1) {
		const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
		const from = shift === 0 ? 0 : 4;
		const to = 4 * Math.floor((shift + bytes.length) / 3);
		if (to - from < 16) continue;
		const run = encoded.slice(from, to);
		runs.add(run);
		runs.add(run.replaceAll("+", "-").replaceAll("/", "_"));
	}
	return [...runs];
}

/**
 * Pivotal shows a key's first characters as safe to log (`api_key.prefix`, `pivotal_K8s9`): its
 * head and four characters after it. The head is `pivotal_`, with `live_` or `test_` where a key
 * has one: every such key's, so no secret.
 */
const KEY_HEAD = /^pivotal_(?:live_|test_)?/;
const VISIBLE_AFTER_HEAD = 4;
/** A key with no `pivotal_` head: its first twelve characters, as for one with it. */
const VISIBLE_PREFIX = 12;

/**
 * The secrets a client masks in what it shows: the whole key first, with any run of it that reaches
 * past what Pivotal shows (`l_Kabcdefghi`, a truncated echo across it), then its secret part
 * alone, however short. `GET /me`'s own `prefix` is left as it is: every run's opening reads it, and
 * masking it would compile the masking patterns (about 0.15 s of a fresh process) for nothing.
 * A run that held only the head and a character or two would match (in any case) the head of
 * another key in the same text, and mask it into something no longer shaped like a key, its
 * secret left bare (adversarial finding O3): so a run reaches past the four shown characters.
 */
export function keySecrets(apiKey: string): Secret[] {
	const mask = maskKey(apiKey);
	const head = KEY_HEAD.exec(apiKey)?.[0] ?? "";
	const secretPart = apiKey.slice(head.length);
	const publicPrefix = head === "" ? VISIBLE_PREFIX : head.length + VISIBLE_AFTER_HEAD;
	return [
		{ secret: apiKey, mask, fragments: true, publicPrefix },
		...(head !== "" ? [{ secret: secretPart, mask }] : []),
		// Any long run of them too: base64 wrapped at 76 (MIME, PEM) or cut short spells the key in pieces.
		...base64Runs(Buffer.from(apiKey, "utf8")).map((secret) => ({ secret, mask, fragments: true })),
	];
}
