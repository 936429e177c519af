/**
 * Output files (failures, results, summaries, plans) never overwrite an input, the map or the
 * state. Paths are compared as the file system resolves them, so a symlink or `./` does not
 * slip past.
 */

import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

export interface NamedPath {
	/** How a sentence names it: `the customers file`, `--summary-md`. */
	readonly what: string;
	readonly path: string;
}

/** The path as the file system will open it: symlinks followed as far as they exist. */
function canonical(path: string): string {
	const absolute = resolve(path);
	try {
		return realpathSync(absolute);
	} catch {
		// Not there yet: its folder may still be a symlink.
		try {
			return join(realpathSync(dirname(absolute)), basename(absolute));
		} catch {
			return absolute;
		}
	}
}

/** One sentence for the first output that would overwrite an input (or another output), or undefined. */
export function outputPathProblem(
	outputs: readonly NamedPath[],
	inputs: readonly NamedPath[],
): string | undefined {
	const taken = inputs.map((input) => ({ ...input, at: canonical(input.path) }));
	for (const output of outputs) {
		const at = canonical(output.path);
		const clash = taken.find((input) => input.at === at);
		if (clash)
			return `${output.what} ${output.path} is ${clash.what}; give another path (an output never overwrites an input, the map or the state).`;
		taken.push({ ...output, what: `also given to ${output.what}`, at });
	}
	return undefined;
}
