/**
 * The built binary killed while its creates are out: the server holds each POST and carries it
 * out after the kill. Every customer now carries a slug (the file's or a derived one), so the
 * re-run finds them by their uniqueness rule; they must still count as created by this import,
 * so that `undo` and `--delete-missing` can take them back, while Pivotal can say so (it keeps a
 * key's answer 24 h). A server that forgot the keys sooner cannot: the safe side is taken.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli, startCli } from "../support/cli.js";
import { simTotals, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { until } from "./sync-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

const POSTED = "POST /customers 201";

async function killedMidCreate(idempotencyTtlMs?: number) {
	const sim = await startSimulator({ rateLimit: 100_000, ...(idempotencyTtlMs ? { idempotencyTtlMs } : {}) });
	sims.push(sim);
	const dir = tempDir();
	const csv = join(dir, "c.csv");
	writeFileSync(csv, "external_id,name,slug\nx1,A One,a-one\nx2,B Two,b-two\nx3,C Three,c-three\n");
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	sim.pushFault({ method: "POST", kind: "hang", hangMs: 1_500 });
	const { child, result } = startCli(["import", csv, "--concurrency", "4", "--yes"], { env });
	// Every create has reached the server, which holds it: the kill lands while they are out.
	await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 3);
	child.kill("SIGKILL");
	expect((await result).signal).toBe("SIGKILL");
	// The server carries out what it held, as Pivotal would after the client went away.
	await until(() => (sim.counters().byRoute[POSTED] ?? 0) >= 3);
	sim.clearScriptedFaults();
	expect(simTotals(sim).customers).toBe(3);
	return { sim, csv, env };
}

describe("the binary killed while its creates are out", () => {
	it("the server still knows the idempotency keys: the re-run counts them as created, and undo --all takes them back", async () => {
		const { sim, csv, env } = await killedMidCreate();
		const again = await runCli(["import", csv, "--yes"], { env });
		expect(again.code).toBe(0);
		expect(again.stdout).not.toMatch(/existed [1-9]/);
		expect(simTotals(sim)).toMatchObject({ customers: 3, duplicates: 0 });
		const plan = await runCli(["undo", csv, "--all", "--dry-run"], { env });
		expect(plan.stdout).not.toContain("Nothing to undo");
		const undo = await runCli(["undo", csv, "--all", "--yes"], { env });
		expect(undo.code).toBe(0);
		expect(simTotals(sim).customers).toBe(0);
	}, 60_000);

	it("the server forgot the keys within the hour: the re-run cannot tell them from customers someone else made as the rows say, so it adopts them as existing, says so, and undo leaves them (adversarial findings AE4, AF7)", async () => {
		const { sim, csv, env } = await killedMidCreate(500);
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		const again = await runCli(["import", csv, "--yes"], { env });
		expect(again.code).toBe(0);
		expect(again.stdout).toContain("is taken as someone else's");
		expect(simTotals(sim)).toMatchObject({ customers: 3, duplicates: 0 });
		const undo = await runCli(["undo", csv, "--all", "--yes"], { env });
		expect(undo.code).toBe(0);
		expect(simTotals(sim).customers).toBe(3);
	}, 60_000);
});
