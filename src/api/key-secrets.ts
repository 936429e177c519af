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
 * The secrets a client masks in what it shows: the whole key first, with any run of it that holds
 * a character of its secret part (`l_Kabcdefghi`, a truncated echo across the prefix), then its
 * secret part alone, however short.
 */
export function keySecrets(apiKey: string): Secret[] {
	const mask = maskKey(apiKey);
	const secretPart = apiKey.replace(/^pivotal_(test_)?/, "");
	const publicPrefix = apiKey.length - secretPart.length;
	return [
		{ secret: apiKey, mask, fragments: true, publicPrefix },
		...(publicPrefix > 0 ? [{ secret: secretPart, mask }] : []),
		// Any long run of them too: base64 wrapped at 76 (MIME, PEM) or cut short spells the key in pieces.
		...base64Runs(Buffer.from(apiKey, "utf8")).map((secret) => ({ secret, mask, fragments: true })),
	];
}
