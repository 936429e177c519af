/**
 * What the binary says when it stops or re-runs, checked against what happened: no advice that
 * does not apply, no count of another run's work, no other import's state taken without a word.
 */
import { copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { setup, TEST_KEY } from "../support/import-harness.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function imported(customers = 3) {
	const ready = await setup(
		{ rateLimit: 100_000 },
		{ customers, contactsPerCustomer: 0, onboardingsPerCustomer: 0, withSlugs: false },
	);
	sims.push(ready.sim);
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: ready.sim.baseUrl };
	const first = await runCli(["import", ready.files.customers, "--yes"], { env });
	expect(first.code).toBe(0);
	return { ...ready, env };
}

describe("what the binary says", () => {
	it("a refused only key: exit 4, never 'goes on with the others' beside 'nothing was sent', no advice to resume as is", async () => {
		const { sim, files, env } = await imported();
		sim.revokeKey(TEST_KEY);
		for (const args of [
			["import", files.customers, "--yes"],
			["undo", files.customers, "--yes"],
		]) {
			const result = await runCli(args, { env });
			expect(result.code, args[0]).toBe(4);
			expect(result.stdout + result.stderr).not.toContain("goes on with the others");
			expect(result.stdout).not.toContain("Run the same command again to resume");
			expect(result.stderr).toMatch(/^The API key was refused \(401 api_key_revoked\); nothing was sent\./);
		}
	}, 30_000);

	it("undo: says undo, not import; no '(line 0)'; no advice to add a flag it refuses", async () => {
		const { sim, files, env } = await imported();
		sim.pushFault({ method: "DELETE", status: 400, code: "refused_here" });
		const result = await runCli(["undo", files.customers, "--yes"], { env });
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^Starting undo /m);
		expect(result.stdout).not.toMatch(/Starting import|\(line 0\)|--failures-csv/);
		expect(result.stdout).toMatch(/✗ customers \S+: 400 refused_here/);
	}, 30_000);

	it("a re-run reports its own requests, with the import's over every run beside", async () => {
		const { files, env } = await imported(5);
		const again = await runCli(["import", files.customers, "--yes"], { env });
		expect(again.code).toBe(0);
		const [, own, all] = again.stdout.match(/requests (\d+) \((\d+) over every run of the import\)/) ?? [];
		expect(Number(own)).toBeLessThanOrEqual(2);
		expect(Number(all)).toBeGreaterThanOrEqual(6);
	}, 30_000);

	it("another import's state, named with --checkpoint: said in a line, not taken silently", async () => {
		const { files, env } = await imported();
		const other = join(dirname(files.customers), "other-export.csv");
		copyFileSync(files.customers, other);
		const result = await runCli(
			["import", other, "--yes", "--checkpoint", `${files.customers}.checkpoint.json`],
			{ env },
		);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("warn: This state was made from customers.csv, not other-export.csv");
	}, 30_000);
});
