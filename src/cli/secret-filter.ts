/**
 * The keys of the environment masked in everything the process writes to its terminal or pipes,
 * whatever echoes them: a key given where a path was expected ends up in "no such file" sentences,
 * a path echoed back by a library, a frame of the wizard. A plain search per write: the keys are
 * few, and lines are short.
 */

import { maskKey } from "../api/key.js";

/** The least of a key's secret part that is masked on its own (a key cut after its prefix). */
const MIN_SECRET_PART = 12;

/** What each key may be written as, longest first, with its mask. */
function replacements(keys: readonly string[]): [string, string][] {
	const out = new Map<string, string>();
	for (const key of keys) {
		if (key.length < 8) continue;
		const mask = maskKey(key);
		out.set(key, mask);
		const part = key.replace(/^pivotal_(test_|live_)?/, "");
		if (part.length >= MIN_SECRET_PART && part !== key) out.set(part, mask);
	}
	return [...out].sort((a, b) => b[0].length - a[0].length);
}

/** `text` with every key in it masked. */
export function maskKeysIn(text: string, keys: readonly string[]): string {
	let out = text;
	for (const [secret, mask] of replacements(keys))
		if (out.includes(secret)) out = out.replaceAll(secret, mask);
	return out;
}

/** Masks `keys` in every later write to `stream`. */
export function maskKeysOnWrite(stream: NodeJS.WriteStream, keys: readonly string[]): void {
	const pairs = replacements(keys);
	if (pairs.length === 0) return;
	const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
	const masked = (chunk: unknown): unknown => {
		const text =
			typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : undefined;
		if (text === undefined || !pairs.some(([secret]) => text.includes(secret))) return chunk;
		let out = text;
		for (const [secret, mask] of pairs) out = out.replaceAll(secret, mask);
		return out;
	};
	stream.write = ((chunk: unknown, ...rest: unknown[]) =>
		write(masked(chunk), ...rest)) as typeof stream.write;
}
