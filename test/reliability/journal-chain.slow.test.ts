/**
 * The file state's journal chain through the built binary (adversarial finding I-F6): two
 * records' Pivotal ids swapped in journal lines are refused before anything is sent, by an
 * import, a dry run, undo and `state copy` alike, where an import sent crm-1001's change to
 * crm-1002's customer.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { editRows } from "../support/edit-csv.js";
import { TEST_KEY } from "../support/import-harness.js";
import { appendChained } from "../support/seal-state.js";
import { tempDir } from "../support/temp-dirs.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

/** The fixtures in a folder of their own, imported whole into a fresh simulator. */
async function imported() {
	const dir = tempDir("pivotal-chain-");
	const files = { customers: "", contacts: "", onboardings: "" };
	for (const pass of ["customers", "contacts", "onboardings"] as const) {
		files[pass] = join(dir, `${pass}.csv`);
		copyFileSync(new URL(`../../fixtures/${pass}.csv`, import.meta.url), files[pass]);
	}
	const sim = await startSimulator({ seed: 7, rateLimit: 100_000 });
	sims.push(sim);
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const args = (...more: string[]) => [
		"import",
		files.customers,
		"--contacts",
		files.contacts,
		"--onboardings",
		files.onboardings,
		"--headless",
		...more,
	];
	const first = await runCli(args(), { env });
	expect(first.code, first.stdout + first.stderr).toBe(0);
	const state = `${files.customers}.checkpoint.json`;
	const data = await readCheckpoint(state);
	const idOf = (key: string): string => {
		const record = data?.records.customers.get(key);
		if (record?.s !== "done") throw new Error(`${key} was not imported`);
		return record.id;
	};
	return { dir, files, sim, env, args, state, one: idOf("crm-1001"), two: idOf("crm-1002") };
}

const linesOf = (path: string): string[] => readFileSync(path, "utf8").split("\n").slice(0, -1);

describe("journal lines whose Pivotal ids were swapped", { timeout: 60_000 }, () => {
	it("appended by hand (the finding's steps): refused at the first, nothing sent, crm-1002 untouched", async () => {
		const { files, sim, env, args, state, one, two } = await imported();
		const lines = linesOf(state);
		// Each record's snapshot line, as a journal line, with the other record's id.
		const swapped = (key: string, from: string, to: string): string => {
			const line = lines.find((l) => l.startsWith(`{"p":"customers","k":"${key}"`)) ?? "";
			expect(line).toContain(`"id":"${from}"`);
			return `{"t":${Date.now()},${line.slice(1).replace(`"id":"${from}"`, `"id":"${to}"`)}`;
		};
		writeFileSync(
			state,
			`${lines.join("\n")}\n${swapped("crm-1001", one, two)}\n${swapped("crm-1002", two, one)}\n`,
		);
		editRows(files.customers, "name", 1, (name) => `${name} Renamed`);
		const requests = sim.counters().requests;
		const nameOfTwo = sim.state().customers.find((c) => c.id === two)?.name;

		const run = await runCli(args(), { env });
		expect(run.code).toBe(2);
		expect(run.stderr).toBe(
			`The checkpoint ${state} is damaged at line ${lines.length + 1} (this journal line carries no link to the line before it, which every journal line of its version holds) and its backup ${state}.bak is older and would forget what was sent since, so it is not used; nothing was sent: restore the state from a copy you trust, or run again with --fresh to set it aside (records already in Pivotal are then found, not created again).\n`,
		);
		expect(sim.counters().requests).toBe(requests);
		expect(sim.state().customers.find((c) => c.id === two)?.name).toBe(nameOfTwo);
	});

	it("written by a run, then swapped: refused by an import, a dry run, undo and state copy; cut back, the import sends crm-1001's change to crm-1001", async () => {
		const { dir, files, sim, env, args, state, one, two } = await imported();
		const trusted = readFileSync(state);
		const before = await readCheckpoint(state);
		// Two journal lines as a run writes them (chained), then their ids swapped in place.
		for (const key of ["crm-1001", "crm-1002"])
			appendChained(state, { t: Date.now(), p: "customers", k: key, v: before?.records.customers.get(key) });
		const lines = linesOf(state);
		const at = lines.length - 2;
		lines[at] = (lines[at] ?? "").replace(`"id":"${one}"`, `"id":"${two}"`);
		lines[at + 1] = (lines[at + 1] ?? "").replace(`"id":"${two}"`, `"id":"${one}"`);
		writeFileSync(state, `${lines.join("\n")}\n`);
		editRows(files.customers, "name", 1, (name) => `${name} Renamed`);
		const requests = sim.counters().requests;

		const sentence = new RegExp(
			`^The checkpoint ${state.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is damaged at line ${at + 1} \\(this journal line does not follow from the lines before it: it, or a line before it, was edited, removed, reordered or copied from another state\\) and .*; nothing was sent: restore the state from a copy you trust, or (run again with --fresh|set it aside by running the import with --fresh,) .*\\.\\n$`,
		);
		for (const command of [
			args(),
			args("--dry-run"),
			["undo", files.customers, "--headless", "--yes"],
			["state", "copy", state, join(dir, "copy.checkpoint.json")],
		]) {
			const run = await runCli(command, { env });
			expect(run.code, command.join(" ")).toBe(2);
			expect(run.stderr, command.join(" ")).toMatch(sentence);
			// Only import takes --fresh: undo and state copy are told to go through it.
			expect(run.stderr.includes("run again with --fresh"), command.join(" ")).toBe(command[0] === "import");
		}
		expect(sim.counters().requests).toBe(requests);

		// The state as it was before the lines went in: the change goes to its own customer.
		writeFileSync(state, trusted);
		const nameOfTwo = sim.state().customers.find((c) => c.id === two)?.name;
		const run = await runCli(args(), { env });
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(sim.state().customers.find((c) => c.id === one)?.name).toMatch(/ Renamed$/);
		expect(sim.state().customers.find((c) => c.id === two)?.name).toBe(nameOfTwo);
	});
});
