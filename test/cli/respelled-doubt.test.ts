/**
 * Onboarding rows re-spelled (`Kickoff` → `Kick-off`) that cannot be told which record they
 * stand for are refused before anything is sent: one re-spelled from a create a killed run left
 * in doubt (it may be in Pivotal; adversarial finding T8, where it was created a second time in
 * its phase), one as close to two records (T10), one of a name a row was added beside (T9).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createLeftInDoubt } from "../support/create-left-in-doubt.js";
import { liveOnboardings as live, simulatorsClosedAfterEach, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const startSim = simulatorsClosedAfterEach();
const HEADER = "customer_external_id,name,phase,notes";

/** One customer `customer` and its onboardings `rows` (each `name,phase,notes`), imported once. */
async function imported(seed: number, customer: string, rows: readonly string[]) {
	const sim = await startSim({ seed, rateLimit: 100_000 });
	const dir = tempDir("pivotal-respelled-");
	const customers = join(dir, "c.csv");
	const onboardings = join(dir, "o.csv");
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const args = ["import", customers, "--onboardings", onboardings, "--headless", "--yes"];
	const write = (names: readonly string[]) =>
		writeFileSync(onboardings, [HEADER, ...names.map((row) => `${customer},${row}`), ""].join("\n"));
	writeFileSync(customers, `external_id,name\n${customer},Cust ${customer}\n`);
	write(rows);
	const first = await runCli(args, { env });
	expect(first.code, first.stderr).toBe(0);
	const run = (...extra: string[]) => runCli([...args, ...extra], { env });
	return { sim, onboardings, env, args, write, run };
}

describe("an onboarding create left in doubt, its row re-spelled", { timeout: 60_000 }, () => {
	it("is refused before anything is sent; the name put back, the create is looked up and the rename then PATCHed", async () => {
		const j = await imported(21, "ob15", ["Welcome,program_design,"]);
		j.write(["Welcome,program_design,", "Kickoff,launch,"]);
		await createLeftInDoubt(j.sim, j.args, j.env, () => live(j.sim).length === 2);
		const requests = j.sim.counters().requests;

		j.write(["Welcome,program_design,", "Kick-off,launch,"]);
		for (const extra of [[], ["--dry-run"], ["--delete-missing"]]) {
			const run = await j.run(...extra);
			expect(run.code, run.stderr).toBe(2);
			expect(run.stderr).toContain(
				`${j.onboardings}: line 3's onboarding "Kick-off" of customer "ob15" reads as "Kickoff", whose create an earlier run sent without an answer. That create may be in Pivotal`,
			);
		}
		expect(j.sim.counters().requests).toBe(requests);
		expect(live(j.sim)).toEqual(["Kickoff:launch", "Welcome:program_design"]);

		// As the sentence says: the name back for one run, then the rename.
		j.write(["Welcome,program_design,", "Kickoff,launch,"]);
		const back = await j.run();
		expect(back.code, back.stderr).toBe(0);
		j.write(["Welcome,program_design,", "Kick-off,launch,"]);
		const renamed = await j.run();
		expect(renamed.code, renamed.stderr).toBe(0);
		expect(live(j.sim)).toEqual(["Kick-off:launch", "Welcome:program_design"]);
	});

	it("creates of a repeated name, in doubt: rows re-spelled in their places, or under names of their own, are refused (finding U2); the rows as they were are looked up", async () => {
		const j = await imported(25, "k1", ["Rollout,program_design,"]);
		j.write(["Rollout,program_design,", "Kickoff,launch,", "Kickoff,launch,"]);
		await createLeftInDoubt(j.sim, j.args, j.env, () => live(j.sim).length === 3, {}, 2);
		const requests = j.sim.counters().requests;
		for (const rows of [
			// In their places (keyed by position), re-spelled.
			["Kick-off,launch,", "Kick-off,launch,"],
			// Names of their own now (keyed by name).
			["Kick-off,launch,", "Kick off,launch,"],
			// One as it was, one re-spelled.
			["Kickoff,launch,", "Kick-off,launch,"],
		]) {
			j.write(["Rollout,program_design,", ...rows]);
			const run = await j.run();
			expect(run.code, `${rows}: ${run.stderr}`).toBe(2);
			const name = rows[0]!.split(",")[0];
			// The same name in another place among its repeats is said to be moved (finding W10).
			expect(run.stderr).toContain(
				name === "Kickoff"
					? `line 3's onboarding "Kickoff" of customer "k1" does not stand where a repeated "Kickoff" stood (repeated names are told apart by their order)`
					: `line 3's onboarding "${name}" of customer "k1" reads as "Kickoff"`,
			);
			expect(run.stderr).not.toContain("--fresh");
		}
		expect(j.sim.counters().requests).toBe(requests);
		expect(live(j.sim)).toEqual(["Kickoff:launch", "Kickoff:launch", "Rollout:program_design"]);

		// As they were: both creates are looked up and recorded, nothing made twice.
		j.write(["Rollout,program_design,", "Kickoff,launch,", "Kickoff,launch,"]);
		const back = await j.run();
		expect(back.code, back.stderr).toBe(0);
		expect(live(j.sim)).toEqual(["Kickoff:launch", "Kickoff:launch", "Rollout:program_design"]);
	});

	it("a new row of another name beside the create in doubt is made as ever", async () => {
		const j = await imported(22, "ob16", []);
		j.write(["Kickoff,launch,"]);
		await createLeftInDoubt(j.sim, j.args, j.env, () => live(j.sim).length === 1, {
			times: 1,
			match: { name: "Kickoff" },
		});
		j.write(["Kickoff,launch,", "Kick-start,launch,"]);
		const run = await j.run();
		expect(run.code, run.stderr).toBe(0);
		expect(live(j.sim)).toEqual(["Kick-start:launch", "Kickoff:launch"]);
	});
});

describe("a re-spelled onboarding row that cannot be told apart between records", { timeout: 60_000 }, () => {
	it("two records as close to the row: refused, nothing sent, with or without --delete-missing (finding T10)", async () => {
		const j = await imported(23, "o14", ["Kickoff,launch,A", "Kick off,program_design,B"]);
		const requests = j.sim.counters().requests;
		j.write(["Kick-off,program_design,A"]);
		for (const extra of [[], ["--delete-missing", "--max-deletes", "5"]]) {
			const run = await j.run(...extra);
			expect(run.code, run.stderr).toBe(2);
			expect(run.stderr).toContain(
				`${j.onboardings}: line 2's onboarding "Kick-off" of customer "o14" reads as "Kickoff" and as "Kick off", which no row holds as named, and which it stands for cannot be told.`,
			);
		}
		expect(j.sim.counters().requests).toBe(requests);
		expect(live(j.sim)).toEqual(["Kick off:program_design", "Kickoff:launch"]);
	});

	it("a row of the re-spelled name added above the one that holds the record's values: refused, where the first row took the record (finding T9)", async () => {
		const j = await imported(24, "o14", ["Kickoff,launch,A"]);
		const requests = j.sim.counters().requests;
		j.write(["Kick-off,program_design,B", "Kick-off,launch,A"]);
		const run = await j.run();
		expect(run.code, run.stderr).toBe(2);
		expect(run.stderr).toContain(`line 2's onboarding "Kick-off" of customer "o14" reads as "Kickoff"`);
		expect(j.sim.counters().requests).toBe(requests);
		expect(live(j.sim)).toEqual(["Kickoff:launch"]);

		// The rows the other way round: the first holds the record's values and takes it; the
		// second is new.
		j.write(["Kick-off,launch,A", "Kick-off,program_design,B"]);
		const other = await j.run();
		expect(other.code, other.stderr).toBe(0);
		expect(live(j.sim)).toEqual(["Kick-off:launch", "Kick-off:program_design"]);
	});
});
