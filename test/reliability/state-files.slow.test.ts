/**
 * The state's files against a careless or hostile folder, through the built binary: outputs
 * that name an input or the state, a damaged journal line, a lock held or left behind, a
 * symlink planted where the state writes, a read-only state.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
	chmodSync,
	existsSync,
	lstatSync,
	mkdirSync,
	readFileSync,
	renameSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import { runCli, startCli } from "../support/cli.js";
import { simTotals, TEST_KEY } from "../support/import-harness.js";
import { coverHead } from "../support/seal-state.js";
import { mismatches } from "./support.js";
import { preparedPerTest, until } from "./sync-support.js";

const prepare = preparedPerTest();

function importArgs(files: SourceFiles, ...more: string[]): string[] {
	return [
		"import",
		files.customers,
		"--contacts",
		files.contacts ?? "",
		"--onboardings",
		files.onboardings ?? "",
		"--concurrency",
		"2",
		"--yes",
		...more,
	];
}

/** The pid of a process that has exited: a run that died holding a lock. */
function deadPid(): number {
	return spawnSync(process.execPath, ["-e", ""]).pid ?? 999_999;
}

describe("output files that name an input or the state", () => {
	it("are refused before anything is read or sent, whatever the spelling or a symlink", async () => {
		const { sim, files } = await prepare({ rateLimit: 100_000 }, 4);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const state = `${files.customers}.checkpoint.json`;
		const dir = dirname(files.customers);
		const link = join(dir, "out.csv");
		symlinkSync(files.onboardings ?? "", link);
		const before = readFileSync(files.customers);
		const cases: Array<[string[], string]> = [
			[
				["--results-csv", files.customers],
				`--results-csv ${files.customers} is the customers file ${files.customers}`,
			],
			[["--failures-csv", join(dir, "..", basename(dir), basename(state))], `is the state ${state}`],
			[["--results-csv", link], `--results-csv ${link} is the onboardings file ${files.onboardings}`],
			[["--results-csv", `${state}.bak`], `is a file of the state ${state}.bak`],
			[
				["--results-csv", join(dir, "r.csv"), "--failures-csv", join(dir, "r.csv")],
				"is the file of --failures-csv",
			],
		];
		for (const [flags, sentence] of cases) {
			const result = await runCli(importArgs(files, ...flags), { env });
			expect(result.code, flags.join(" ")).toBe(2);
			expect(result.stderr).toContain(sentence);
			expect(result.stderr).toContain("nothing was sent");
			expect(result.stderr.trim().split("\n")).toHaveLength(1);
		}
		expect(readFileSync(files.customers)).toEqual(before);
		expect(existsSync(state)).toBe(false);
		expect(sim.counters().requests).toBe(0);
	}, 60_000);
});

describe("a damaged line in the middle of the journal", () => {
	it("is refused naming the file, the line and the backup; --fresh then finishes with no duplicate", async () => {
		const { sim, files } = await prepare(
			{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 10 } },
			30,
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const state = `${files.customers}.checkpoint.json`;
		// Two killed sessions: the second's opening compaction leaves the first's file as the backup,
		// and its own records go to the journal.
		for (const writes of [10, 20]) {
			const { child, result } = startCli(importArgs(files), { env });
			await until(() => sim.counters().posts >= writes);
			child.kill("SIGKILL");
			await result;
		}
		expect(existsSync(`${state}.bak`)).toBe(true);
		const lines = readFileSync(state, "utf8").split("\n");
		// The snapshot's head, its records a line each, then the journal: its second line is damaged.
		const snapshot = (JSON.parse(lines[0] ?? "") as { records: number }).records;
		const damagedLine = snapshot + 3;
		expect(lines.length).toBeGreaterThan(damagedLine + 2);
		lines[damagedLine - 1] = '{"t":1,"p":"customers","k":"c#@!';
		writeFileSync(state, lines.join("\n"));
		const damaged = readFileSync(state);
		const requests = sim.counters().requests;

		const refused = await runCli(importArgs(files), { env });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toBe(
			`The checkpoint ${state} is damaged at line ${damagedLine} (this journal line is not valid JSON) and its backup ${state}.bak is older and would forget what was sent since, so it is not used; nothing was sent: restore the state from a copy you trust, or run again with --fresh to set it aside (records already in Pivotal are then found, not created again).\n`,
		);
		expect(sim.counters().requests).toBe(requests);
		expect(readFileSync(state)).toEqual(damaged);

		const fresh = await runCli(importArgs(files, "--fresh"), { env });
		expect(fresh.code).toBe(0);
		expect(simTotals(sim)).toEqual({ customers: 30, contacts: 30, onboardings: 30, duplicates: 0 });
		expect(await mismatches(sim, files)).toEqual([]);
	}, 120_000);
});

describe("a record damaged under a digest made to match", () => {
	it.each([
		["its JSON broken inside its values", (line: string) => line.replace('"name":', '"name":,')],
		[
			"its state made no record's",
			(line: string) => line.replace('"v":{"s":"done"', '"v":{"s":7,"x":"done"'),
		],
		[
			"its values made null",
			(line: string) => line.replace(/("id":"[^"]*"[\s\S]*?)"v":\{/, '$1"v":null,"w":{'),
		],
		["its revisions made a number", (line: string) => line.replace(/"r":(\d+)/, '"ch":5,"r":$1')],
	])(
		"(%s) stops the run with a sentence naming the record, no stack trace, nothing sent for it",
		async (_name, damage) => {
			const { sim, files } = await prepare({ rateLimit: 100_000 }, 4);
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			const state = `${files.customers}.checkpoint.json`;
			expect((await runCli(importArgs(files), { env })).code).toBe(0);
			const lines = readFileSync(state, "utf8").split("\n");
			const head = JSON.parse(lines[0] ?? "") as { records: number; recordsSha256: string };
			const at = lines.findIndex((line) => line.startsWith('{"p":"customers","k":"cus_000002"'));
			expect(at).toBeGreaterThan(0);
			const damaged = damage(lines[at] ?? "");
			expect(damaged).not.toBe(lines[at]);
			lines[at] = damaged;
			// The digest made to match the damage, as someone covering an edit would.
			const hash = createHash("sha256");
			for (const line of lines.slice(1, 1 + head.records)) hash.update(`${line}\n`);
			lines[0] = coverHead((lines[0] ?? "").replace(head.recordsSha256, hash.digest("hex")));
			writeFileSync(state, lines.join("\n"));
			// The damaged record's row changes: the run must read its state.
			const csv = readFileSync(files.customers, "utf8").split("\n");
			const row = csv.findIndex((line) => line.startsWith("cus_000002,"));
			csv[row] = (csv[row] ?? "").replace(/^cus_000002,([^,]*)/, "cus_000002,$1 Renamed");
			writeFileSync(files.customers, csv.join("\n"));
			const patches = () =>
				Object.entries(sim.counters().byRoute)
					.filter(([route]) => route.startsWith("PATCH"))
					.reduce((n, [, count]) => n + count, 0);

			const run = await runCli(importArgs(files), { env });
			const said = run.stdout + run.stderr;
			expect(said).not.toMatch(/ {4}at |TypeError|SyntaxError|unexpected error/);
			// Refused where the state is read: at the load when the line reads as no record's, else
			// where the record's state is first read.
			expect(said).toMatch(
				/record (customers )?"cus_000002" is damaged.*restore the state from its backup, or start over with --fresh|damaged at line \d+ \(the snapshot has a malformed record state\)/,
			);
			expect([2, 3]).toContain(run.code);
			expect(patches()).toBe(0);
		},
		60_000,
	);
});

describe("the lock", () => {
	it("held by a running import: exit 6 and one sentence naming its host, pid and start, nothing sent", async () => {
		// Slow answers hold the first run mid-way however long the second takes to start; then fast.
		const { sim, files } = await prepare(
			{ rateLimit: 100_000, faults: { latencyMinMs: 1_500, latencyMaxMs: 2_000 } },
			20,
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const first = startCli(importArgs(files), { env });
		await until(() => sim.counters().posts >= 2);
		const second = await runCli(importArgs(files), { env });
		sim.setFaults({ latencyMinMs: 0, latencyMaxMs: 5 });
		expect(second.code).toBe(6);
		expect(second.stderr).toMatch(
			new RegExp(
				`^The checkpoint .* is in use by another pivotal-tui \\(pid ${first.child.pid} on .+, since \\d{4}-\\d\\d-\\d\\dT[^)]+\\); nothing was sent: let that run finish or stop it, then run again\\.\\n$`,
			),
		);
		expect(second.stdout).not.toMatch(/resume|Starting/);
		expect((await first.result).code).toBe(0);
		expect(simTotals(sim)).toEqual({ customers: 20, contacts: 20, onboardings: 20, duplicates: 0 });
	}, 120_000);

	it("state copy of a running import's state: refused with exit 6 naming the run, nothing copied", async () => {
		// A copy of a live state is stale at once: a run from it would create again what this run creates.
		const { sim, files } = await prepare(
			{ rateLimit: 100_000, faults: { latencyMinMs: 1_500, latencyMaxMs: 2_000 } },
			20,
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const first = startCli(importArgs(files), { env });
		await until(() => sim.counters().posts >= 2);
		const state = `${files.customers}.checkpoint.json`;
		const copy = join(dirname(files.customers), "moved.json");
		const copied = await runCli(["state", "copy", state, copy], { env });
		sim.setFaults({ latencyMinMs: 0, latencyMaxMs: 5 });
		expect(copied.code).toBe(6);
		expect(copied.stderr).toContain(`is in use by another pivotal-tui (pid ${first.child.pid} on `);
		expect(existsSync(copy)).toBe(false);
		expect((await first.result).code).toBe(0);
		// Once the run is over the copy is made, and leaves no lock behind.
		expect((await runCli(["state", "copy", state, copy], { env })).code).toBe(0);
		expect(existsSync(`${state}.lock`)).toBe(false);
		expect(simTotals(sim)).toEqual({ customers: 20, contacts: 20, onboardings: 20, duplicates: 0 });
	}, 120_000);

	it("left by a dead run, two imports started together: exactly one takes it over, the other exits 6", async () => {
		// Slow answers keep the winner running until the loser has tried, however slowly each starts.
		const { sim, files } = await prepare(
			{ rateLimit: 100_000, faults: { latencyMinMs: 1_500, latencyMaxMs: 2_000 } },
			10,
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const state = `${files.customers}.checkpoint.json`;
		writeFileSync(`${state}.lock`, `${deadPid()}\n`);
		const runs = [startCli(importArgs(files), { env }).result, startCli(importArgs(files), { env }).result];
		await Promise.race(runs);
		sim.setFaults({ latencyMinMs: 0, latencyMaxMs: 5 });
		const results = await Promise.all(runs);
		expect(results.map((r) => r.code).sort()).toEqual([0, 6]);
		expect(simTotals(sim)).toEqual({ customers: 10, contacts: 10, onboardings: 10, duplicates: 0 });
		expect(existsSync(`${state}.lock`)).toBe(false);
	}, 120_000);
});

describe("files planted beside the state", () => {
	it("a symlink at <state>.tmp: its target is never written, and the run finishes", async () => {
		const { sim, files } = await prepare({ rateLimit: 100_000 }, 4);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const state = `${files.customers}.checkpoint.json`;
		const victim = join(dirname(files.customers), "victim", "precious.txt");
		mkdirSync(dirname(victim));
		writeFileSync(victim, "do not overwrite\n");
		symlinkSync(victim, `${state}.tmp`);
		const result = await runCli(importArgs(files), { env });
		expect(result.code).toBe(0);
		expect(readFileSync(victim, "utf8")).toBe("do not overwrite\n");
		expect(simTotals(sim)).toEqual({ customers: 4, contacts: 4, onboardings: 4, duplicates: 0 });
	}, 60_000);

	it("a state that is a symbolic link is refused in one sentence, exit 2, nothing sent, its target untouched", async () => {
		const { sim, files } = await prepare({ rateLimit: 100_000 }, 4);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const state = `${files.customers}.checkpoint.json`;
		expect((await runCli(importArgs(files), { env })).code).toBe(0);
		const real = join(dirname(state), "real.ckpt");
		renameSync(state, real);
		symlinkSync(real, state);
		const bytes = readFileSync(real);
		const before = sim.counters().requests;
		const result = await runCli(importArgs(files), { env });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			`The checkpoint ${state} is a symbolic link, and a state is never written through one; nothing was sent: pass the file it points to with --checkpoint, or move that file in its place.\n`,
		);
		expect(result.stdout).not.toMatch(/resume/i);
		// GET /me at most: no record request.
		expect(sim.counters().requests - before).toBeLessThanOrEqual(1);
		expect(readFileSync(real)).toEqual(bytes);
		expect(lstatSync(state).isSymbolicLink()).toBe(true);
	}, 60_000);

	it("a read-only (0444) state is refused in one sentence, exit 2, and left as it was", async () => {
		const { sim, files } = await prepare({ rateLimit: 100_000 }, 4);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const state = `${files.customers}.checkpoint.json`;
		expect((await runCli(importArgs(files), { env })).code).toBe(0);
		chmodSync(state, 0o444);
		const bytes = readFileSync(state);
		const ino = statSync(state).ino;
		const result = await runCli(importArgs(files), { env });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			`The checkpoint ${state} is read-only (mode 0444); nothing was sent: make it writable (chmod u+w) to go on with it, or pass another --checkpoint file.\n`,
		);
		expect(result.stdout).not.toMatch(/resume/i);
		expect(readFileSync(state)).toEqual(bytes);
		expect(statSync(state).ino).toBe(ino);
		expect(statSync(state).mode & 0o777).toBe(0o444);
	}, 60_000);
});
