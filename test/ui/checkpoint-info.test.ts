/**
 * What the wizard's first step knows of a folder's checkpoint: whether its last run finished
 * (told by the state: its runs, and creates left in doubt), its counts, and the files "Resume"
 * syncs again: those the wizard last synced into it, not the ones the state was made from
 * (adversarial findings U4, U6).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { runCli } from "../support/cli.js";
import { createLeftInDoubt } from "../support/create-left-in-doubt.js";
import { simulatorsClosedAfterEach, TEST_KEY, tempDir } from "../support/import-harness.js";

const startSim = simulatorsClosedAfterEach();

describe("a folder's checkpoint as the wizard reads it", { timeout: 60_000 }, () => {
	it("a sync of other files that finished is finished, counted by what the state holds; a run killed with a create out is not", async () => {
		const sim = await startSim({ seed: 31, rateLimit: 100_000 });
		const folder = tempDir("pivotal-checkpoint-info-");
		const customers = join(folder, "customers.csv");
		const newer = join(folder, "export-0312.csv");
		const state = `${customers}.checkpoint.json`;
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		writeFileSync(customers, "external_id,name\nw1,W One\nw2,W Two\n");
		expect((await runCli(["import", customers, "--headless", "--yes"], { env })).code).toBe(0);
		writeFileSync(newer, "external_id,name\nw1,W One\nw2,W Two\nw3,W Three\n");
		const synced = await runCli(["import", newer, "--checkpoint", state, "--headless", "--yes"], { env });
		expect(synced.code, synced.stderr).toBe(0);

		const settings = createSettings({ cwd: tempDir("pivotal-checkpoint-info-settings-") });
		const services = nodeServices({ folder, baseUrl: sim.baseUrl, env, settings });
		const finished = await services.readCheckpoint(state);
		expect(finished?.isFinished).toBe(true);
		expect(finished?.counts.customers).toEqual({ done: 3, failed: 0, total: 3 });

		writeFileSync(newer, "external_id,name\nw1,W One\nw2,W Two\nw3,W Three\nw4,W Four\n");
		await createLeftInDoubt(sim, ["import", newer, "--checkpoint", state, "--headless", "--yes"], env, () =>
			sim.state().customers.some((c) => c.name === "W Four"),
		);
		expect((await services.readCheckpoint(state))?.isFinished).toBe(false);
	});
});
