/**
 * An undo killed while its DELETEs are out, which the server then carries out; the person runs the
 * import again rather than the undo. The records were taken back by that undo, not deleted in
 * Pivotal by someone else: the import creates them again, as after an undo that finished
 * (adversarial finding J12).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli, startCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";
import { until } from "./sync-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

const DELETED = "DELETE /customers/:id 200";

describe("an undo killed with its DELETEs out, then the import run again", () => {
	it("creates the records the undo took back, and calls none of them deleted in Pivotal", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const csv = join(tempDir(), "c.csv");
		writeFileSync(csv, "external_id,name,slug\nx1,A One,a-one\nx2,B Two,b-two\nx3,C Three,c-three\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(["import", csv, "--headless", "--yes"], { env })).code).toBe(0);

		sim.pushFault({ method: "DELETE", kind: "hang", hangMs: 1_500 });
		const { child, result } = startCli(["undo", csv, "--headless", "--yes"], { env });
		await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= 1);
		child.kill("SIGKILL");
		expect((await result).signal).toBe("SIGKILL");
		// The server carries out the DELETE it held, as Pivotal would after the client went away.
		await until(() => Object.entries(sim.counters().byRoute).some(([r, n]) => r === DELETED && n >= 1));
		sim.clearScriptedFaults();
		const live = () => sim.state().customers.filter((c) => !(c as { deleted?: boolean }).deleted).length;
		expect(live()).toBeLessThan(3);

		const again = await runCli(["import", csv, "--headless", "--yes"], { env });
		expect(again.stdout).not.toContain("deleted in Pivotal");
		expect(again.code).toBe(0);
		expect(live()).toBe(3);
		// Each external id lives once: nothing made twice.
		const ids = sim
			.state()
			.customers.filter((c) => !(c as { deleted?: boolean }).deleted)
			.map((c) => (c as { metadata?: { external_id?: string } }).metadata?.external_id);
		expect(ids.sort()).toEqual(["x1", "x2", "x3"]);
	}, 60_000);
});
