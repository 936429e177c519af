// Runs the whole suite and closes with the plain count line `N passed, N failed`, so a run
// that executes no test is visible. Exit code is vitest's.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const out = join("dist", "vitest-results.json");
mkdirSync("dist", { recursive: true });
const args = [
	"vitest",
	"run",
	"--testTimeout=60000",
	"--hookTimeout=60000",
	"--dir",
	"test",
	"--reporter=default",
	"--reporter=json",
	`--outputFile.json=${out}`,
	...process.argv.slice(2),
];
const run = spawnSync("npx", args, { stdio: "inherit" });
let passed = 0;
let failed = 0;
let skipped = 0;
try {
	const results = JSON.parse(readFileSync(out, "utf8"));
	passed = results.numPassedTests;
	failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
	skipped = results.numPendingTests + results.numTodoTests;
} catch {
	failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(run.status ?? 1);
