/**
 * File names are outside input: one with a line break or a tab (the controls a line of our own
 * output keeps, terminal-writer.ts) would split or fake a line wherever a sentence names it. The
 * names the command line was given are escaped as the wizard draws them (`escapeControls`) in
 * everything the process writes, like the keys (secret-filter.ts): one place for every sentence
 * and error, rather than each that names a file. Paths made from a name (the state beside the
 * customers file, a map or a CSV in its folder) hold one of its parts, which are escaped too.
 */

import { basename, dirname, extname } from "node:path";
import { escapeControls, hasControls } from "../model/terminal-text.js";
import { filterWrites } from "./write-filter.js";

/** The parts of the command line's values that hold control characters, longest first. */
export function controlNames(argv: readonly string[]): string[] {
	const parts = new Set<string>();
	for (const arg of argv) {
		if (!hasControls(arg)) continue;
		// `--map=FILE`: the value is the name.
		const value = /^--[a-z-]+=/.test(arg) ? arg.slice(arg.indexOf("=") + 1) : arg;
		const base = basename(value);
		for (const part of [value, dirname(value), base, base.slice(0, base.length - extname(base).length)])
			if (part !== "" && hasControls(part)) parts.add(part);
	}
	return [...parts].sort((a, b) => b.length - a.length);
}

/** `text → text` with each of `names` shown escaped. */
export function nameEscaper(names: readonly string[]): (text: string) => string {
	if (names.length === 0) return (text) => text;
	const pattern = new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
	return (text) => text.replace(pattern, (name) => escapeControls(name));
}

/** Escapes `names` in every later write to `stream`. */
export function escapeNamesOnWrite(stream: NodeJS.WriteStream, names: readonly string[]): void {
	if (names.length === 0) return;
	filterWrites(stream, nameEscaper(names));
}
