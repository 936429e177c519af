/**
 * Temporary folders for tests, each removed when the test file that made it ends, whether its
 * tests passed or not: a test suite run leaves nothing in the temp dir.
 *
 * The `afterAll` below is registered when a test file first imports this module (vitest gives
 * every file its own module graph), so any helper that calls `tempDir` gets the cleanup for free.
 * Import it statically: a folder made by a module loaded mid-test would still be removed, but
 * only if some file-level import registered the hook first.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** Folders this test file made, in the order it made them. */
const made: string[] = [];

afterAll(() => {
	for (const dir of made.splice(0)) removeDir(dir);
});

/** A fresh folder under the OS temp dir, removed after the test file. */
export function tempDir(prefix = "pivotal-tui-"): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	made.push(dir);
	return dir;
}

/** Removes `dir` and everything in it; a child process that is still closing files gets a few retries. */
export function removeDir(dir: string): void {
	rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}
