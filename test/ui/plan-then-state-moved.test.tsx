/**
 * The wizard's plan is shown, then another shell runs an undo of the same import before Enter:
 * the run refuses to start on the state the plan was not made against, and sends nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { App, type AppResult } from "../../src/ui/App.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { runCli } from "../support/cli.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";
import { pressUntilGone, settle, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_PlanMoved0000000e5f6";

let sim: Simulator | undefined;
afterEach(async () => {
	await sim?.close();
	sim = undefined;
});

describe("the wizard's plan, then the state moved by another run", () => {
	it("Enter does not run on a state the plan was not made against: refused, nothing sent", async () => {
		const folder = tempDir("pivotal-tui-plan-moved-");
		await generateDataset({
			dir: folder,
			customers: 6,
			contactsPerCustomer: 1,
			onboardingsPerCustomer: 1,
			seed: 5,
		});
		sim = await startSimulator({ keys: [{ key: KEY, name: "plan moved key", rateLimit: 1_000 }] });
		const env = { PIVOTAL_API_KEY: KEY, PIVOTAL_API_URL: sim.baseUrl };
		const customers = join(folder, "customers.csv");
		expect((await runCli(["import", customers, "--headless", "--yes"], { env })).code).toBe(0);
		const lines = readFileSync(customers, "utf8").split("\n");
		lines[1] = (lines[1] ?? "").replace(/^([^,]*),([^,]*)/, "$1,$2 Group");
		writeFileSync(customers, lines.join("\n"));

		let result: AppResult | undefined;
		const services = nodeServices({
			folder,
			baseUrl: sim.baseUrl,
			env: { PIVOTAL_API_KEY: KEY },
			settings: createSettings({ cwd: tempDir("pivotal-tui-plan-moved-settings-") }),
		});
		const app = render(withTheme(<App services={services} onResult={(r) => (result = r)} />));
		const step = async (text: string | RegExp) => {
			await waitFor(() => expect(app.lastFrame()).toMatch(text), 15_000);
			await settle();
			app.stdin.write("\r");
		};
		// The import's state is found: it goes on with the same files.
		await step(/Resume an import\?[\s\S]*❯ Resume customers\.csv/);
		await step("PIVOTAL_API_KEY pivotal_…e5f6");
		await waitFor(() => expect(app.lastFrame()).toContain("workspace Simulator Workspace"), 15_000);
		await settle();
		app.stdin.write("\r");
		await waitFor(() => expect(app.lastFrame()).toContain("✓ every row is valid"), 15_000);

		// Another shell takes the import back while the plan is on screen.
		const undo = await runCli(["undo", customers, "--headless", "--yes"], { env });
		expect(undo.code).toBe(0);
		const writesBefore = sim.counters().posts;

		await pressUntilGone(app, "✓ every row is valid");
		await waitFor(() => expect(app.lastFrame()).toMatch(/stale plan/), 15_000);
		// The sentence wraps where the temporary folder's name makes it.
		expect((app.lastFrame() ?? "").replace(/\s+/g, " ")).toContain("changed since the plan was checked");
		expect(sim.counters().posts).toBe(writesBefore);
		expect(sim.state().customers.filter((c) => c.deleted !== true)).toEqual([]);
		app.unmount();
		expect(result === undefined || result.code !== 0).toBe(true);
	}, 90_000);
});
