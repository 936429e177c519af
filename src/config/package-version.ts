import { readFileSync } from "node:fs";

let cachedVersion: string | undefined;

/**
 * This package's version, from its `package.json`: two folders up from this file in `src`, three
 * in `dist/src`. Read once; "0.0.0" when neither is this package's (a bundled copy elsewhere).
 */
export function packageVersion(): string {
	if (cachedVersion !== undefined) return cachedVersion;
	cachedVersion = "0.0.0";
	for (const relative of ["../../package.json", "../../../package.json"]) {
		try {
			const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as {
				name?: unknown;
				version?: unknown;
			};
			if (pkg.name === "pivotal-tui" && typeof pkg.version === "string") {
				cachedVersion = pkg.version;
				break;
			}
		} catch {
			// Not at this level; try the next.
		}
	}
	return cachedVersion;
}
