/**
 * A package loaded at its first use, not at start-up, and synchronously (through its CommonJS
 * build), so that the functions calling it stay plain functions. For packages only some runs
 * need: a code page other than UTF-8 (iconv-lite), a map file (jsonc-parser), a map's date
 * format (date-fns); each costs tens of milliseconds to load, which every other run would pay.
 */

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function lazyPackage<T>(name: string): () => T {
	let loaded: T | undefined;
	return () => {
		loaded ??= require(name) as T;
		return loaded;
	};
}
