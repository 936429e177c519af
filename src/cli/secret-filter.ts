/**
 * The keys of the environment masked in everything the process writes to its terminal or pipes,
 * whatever echoes them: a key given where a path was expected ends up in "no such file" sentences,
 * a path echoed back by a library, a frame of the wizard, a server's answer to another key of the
 * pool. Masked as the client masks its own key in answers: the key in any case, percent-encoded or
 * base64-encoded, its secret part, and any run of 12 or more of its characters. Text shaped like
 * any other Pivotal key (a cell holding another workspace's key, shown in a dry run's preview or
 * a validation sentence) is masked too, as the CI reports mask it. A quick search first: most
 * writes hold none of it.
 */

import { maskKeyShapes } from "../api/key.js";
import { keySecrets } from "../api/key-secrets.js";
import { guardedRedactor } from "../api/redact.js";
import { filterWrites } from "./write-filter.js";

/** `text → text` with every form of `keys` masked. */
export function keyMasker(keys: readonly string[]): (text: string) => string {
	const secrets = keys.filter((key) => key.length >= 8).flatMap(keySecrets);
	if (secrets.length === 0) return maskKeyShapes;
	const redact = guardedRedactor(secrets);
	return (text) => maskKeyShapes(redact(text));
}

/** `text` with every key in it masked. */
export function maskKeysIn(text: string, keys: readonly string[]): string {
	return keyMasker(keys)(text);
}

/** Masks `keys` in every later write to `stream`. */
export function maskKeysOnWrite(stream: NodeJS.WriteStream, keys: readonly string[]): void {
	filterWrites(stream, keyMasker(keys));
}
