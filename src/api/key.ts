import { createHash } from "node:crypto";

/** Prefixes in the order they must be tested: the test prefix also starts with the live one. */
const PREFIXES = ["pivotal_test_", "pivotal_"] as const;

/**
 * Fewest characters after the prefix for the last 4 to be shown. Below that, 4 characters would
 * be a large share of the secret, so the key is treated as garbage.
 */
const MIN_SECRET_FOR_TAIL = 12;

/** Characters a tail may show; anything else (newline, control, non-ASCII) is not echoed. */
const SAFE_TAIL = /^[A-Za-z0-9_-]+$/;

function prefixOf(key: string): string | undefined {
	return PREFIXES.find((prefix) => key.startsWith(prefix));
}

/**
 * A form of the key that is safe to show and log: the prefix, an ellipsis and the last 4
 * characters (`pivotal_…a1b2`, `pivotal_test_…a1b2`). Never more than that. A key without a
 * known prefix or too short shows at most its last 2 characters (`…b2`), or `(invalid key)`.
 */
export function maskKey(key: string): string {
	const prefix = prefixOf(key);
	if (prefix !== undefined) {
		const secret = key.slice(prefix.length);
		const tail = secret.slice(-4);
		if (secret.length >= MIN_SECRET_FOR_TAIL && SAFE_TAIL.test(tail)) return `${prefix}…${tail}`;
	}
	// Two characters only of a secret long enough that they are a small share of it.
	const secretLength = key.length - (prefix?.length ?? 0);
	const tail = key.slice(-2);
	if (secretLength >= 8 && SAFE_TAIL.test(tail)) return `…${tail}`;
	return "(invalid key)";
}

/**
 * Text shaped like a Pivotal key: the prefix, then a long run of letters and digits. Names that
 * merely start with the prefix (`pivotal_customers_v2`, `pivotal_customers.csv`) do not match.
 */
const KEY_SHAPED = /pivotal_(?:(?:live|test)_)?[A-Za-z0-9]{12,}/g;

/**
 * `text` with anything shaped like a Pivotal key masked as `maskKey` masks it: another
 * workspace's key pasted into a cell, a server's answer quoting one. The keys this process was
 * given are masked in every form besides (see `keySecrets`).
 */
export function maskKeyShapes(text: string): string {
	return text.includes("pivotal_") ? text.replace(KEY_SHAPED, (key) => maskKey(key)) : text;
}

/** A `pivotal_test_` key: same data, outbound side effects suppressed, separate rate bucket. */
export function isTestKey(key: string): boolean {
	return key.startsWith("pivotal_test_");
}

/**
 * A stable identifier of the key that reveals nothing usable: `sha256:` and the first 16 hex
 * characters of its SHA-256. The checkpoint stores this to notice a different key on resume.
 */
export function keyFingerprint(key: string): string {
	return `sha256:${createHash("sha256").update(key, "utf8").digest("hex").slice(0, 16)}`;
}

/**
 * One sentence naming what is obviously wrong with the key's shape, or `undefined` when it looks
 * like a Pivotal key. The sentence never repeats the key. Only the server can tell whether the
 * key is valid.
 */
export function validateKeyShape(key: string): string | undefined {
	if (key.length === 0 || key.trim().length === 0) return "The API key is empty.";
	if (/^bearer[\s:]/i.test(key.trim())) {
		return "The API key starts with “Bearer”; enter only the key itself.";
	}
	if (/\s/.test(key)) {
		return "The API key contains spaces or line breaks; paste it again without them.";
	}
	if (!/^[\x21-\x7e]+$/.test(key)) {
		return "The API key contains characters that cannot appear in a Pivotal key; copy it again from Admin > API Keys.";
	}
	const prefix = prefixOf(key);
	if (prefix === undefined) {
		return "The API key does not start with “pivotal_”; copy it from Admin > API Keys.";
	}
	if (key.length - prefix.length < 8) return "The API key is too short to be a Pivotal key.";
	return undefined;
}

/**
 * The first two positions that hold the same key, or `undefined`: one key given twice would
 * count its rate limit twice.
 */
export function findRepeatedKey(keys: readonly string[]): readonly [number, number] | undefined {
	const seen = new Map<string, number>();
	for (const [index, key] of keys.entries()) {
		const first = seen.get(key);
		if (first !== undefined) return [first, index];
		seen.set(key, index);
	}
	return undefined;
}
