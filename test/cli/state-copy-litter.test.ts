import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { headlessImportArgs, runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

// `state copy` into a file writes TO.copying-PID beside it and links it into place once whole; a
// copy killed half-way left that file and its lock for good (adversarial finding O10).
describe("state copy into a file, after copies that were killed", () => {
	it("removes what a dead copy left, and leaves a live one's", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 3, contactsPerCustomer: 0 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(headlessImportArgs(files), { env })).code).toBe(0);
		const to = join(dir, "copied.json");
		const lockOf = (pid: number) =>
			`${JSON.stringify({ pid, host: hostname(), since: new Date().toISOString(), token: "t" })}\n`;
		const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
		writeFileSync(`${to}.copying-${dead}`, "half a state");
		writeFileSync(`${to}.copying-${dead}.lock`, lockOf(dead));
		writeFileSync(`${to}.copying-${dead}.bak`, "its backup");
		// Held by a process still running (this one): left as it is.
		writeFileSync(`${to}.copying-${process.pid}`, "a copy still going");
		writeFileSync(`${to}.copying-${process.pid}.lock`, lockOf(process.pid));

		const copied = await runCli(["state", "copy", `${files.customers}.checkpoint.json`, to], { env });
		expect(copied.code, copied.stderr).toBe(0);
		expect(existsSync(to)).toBe(true);
		const left = readdirSync(dir)
			.filter((name) => name.startsWith("copied.json."))
			.sort();
		expect(left).toEqual([`copied.json.copying-${process.pid}`, `copied.json.copying-${process.pid}.lock`]);
	}, 60_000);
});
