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
 * The key's first characters Pivotal itself shows as safe to log (`api_key.prefix`, `pivotal_K8s9`):
 * `pivotal_` and four of the secret.
 */
const VISIBLE_PREFIX = 12;

/**
 * The secrets a client masks in what it shows: the whole key first, with any run of it that reaches
 * past the prefix Pivotal shows (`l_Kabcdefghi`, a truncated echo across it), then its secret part
 * alone, however short. `GET /me`'s own `prefix` is left as it is: every run's opening reads it, and
 * masking it would compile the masking patterns (about 0.15 s of a fresh process) for nothing.
 */
export function keySecrets(apiKey: string): Secret[] {
	const mask = maskKey(apiKey);
	const secretPart = apiKey.replace(/^pivotal_(test_)?/, "");
	const publicPrefix = Math.max(apiKey.length - secretPart.length, VISIBLE_PREFIX);
	return [
		{ secret: apiKey, mask, fragments: true, publicPrefix },
		...(secretPart !== apiKey ? [{ secret: secretPart, mask }] : []),
		// Any long run of them too: base64 wrapped at 76 (MIME, PEM) or cut short spells the key in pieces.
		...base64Runs(Buffer.from(apiKey, "utf8")).map((secret) => ({ secret, mask, fragments: true })),
	];
}
