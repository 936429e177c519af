/**
 * A headless import holds the state (its lock) while the wizard opens the same import: the plan
 * step says at once that the state is held, by whom and since when, offers no start, and quits
 * with the headless refusal's sentence and exit 6 (adversarial finding N10).
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { nodeFileSystem } from "../../src/core/checkpoint/file-system.js";
import { acquireLock } from "../../src/core/checkpoint/lock-file.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { App, type AppResult } from "../../src/ui/App.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { runCli } from "../support/cli.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";
import { settle, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_StateHeld000000000a7b8";

let sim: Simulator | undefined;
let release: (() => void) | undefined;
afterEach(async () => {
	release?.();
	release = undefined;
	await sim?.close();
	sim = undefined;
});

describe("the wizard's plan of a state another run holds", () => {
	it("names the holder on the plan step, offers no start, and q leaves with exit 6", async () => {
		const folder = tempDir("pivotal-tui-held-");
		await generateDataset({
			dir: folder,
			customers: 4,
			contactsPerCustomer: 0,
			onboardingsPerCustomer: 0,
			seed: 3,
		});
		sim = await startSimulator({ keys: [{ key: KEY, name: "held key", rateLimit: 1_000 }] });
		const env = { PIVOTAL_API_KEY: KEY, PIVOTAL_API_URL: sim.baseUrl };
		const customers = join(folder, "customers.csv");
		expect((await runCli(["import", customers, "--headless", "--yes"], { env })).code).toBe(0);
		// A headless run of another process (this one's parent: alive) takes the state's lock.
		release = acquireLock(nodeFileSystem, `${customers}.checkpoint.json`, {
			pid: process.ppid,
			host: hostname(),
			now: () => Date.parse("2026-12-06T23:00:00Z"),
			isRunning: () => true,
		});
		const writesBefore = sim.counters().posts;

		let result: AppResult | undefined;
		const services = nodeServices({
			folder,
			baseUrl: sim.baseUrl,
			env: { PIVOTAL_API_KEY: KEY },
			settings: createSettings({ cwd: tempDir("pivotal-tui-held-settings-") }),
		});
		const app = render(withTheme(<App services={services} onResult={(r) => (result = r)} />));
		const step = async (text: string | RegExp) => {
			await waitFor(() => expect(app.lastFrame()).toMatch(text), 15_000);
			await settle();
			app.stdin.write("\r");
		};
		await step(/Resume an import\?[\s\S]*❯ Resume customers\.csv/);
		await step("PIVOTAL_API_KEY pivotal_…a7b8");
		await waitFor(() => expect(app.lastFrame()).toContain("workspace Simulator Workspace"), 15_000);
		await settle();
		app.stdin.write("\r");

		// The plan step says so before anything is pressed; the sentence wraps with the folder's name.
		const folded = () => (app.lastFrame() ?? "").replace(/\s+/g, " ");
		await waitFor(() => expect(folded()).toContain("is in use by another pivotal-tui"), 15_000);
		expect(folded()).toContain(`(pid ${process.ppid} on ${hostname()}, since 2026-12-06T23:00:00.000Z)`);
		expect(folded()).not.toContain("Enter start");
		expect(folded()).toContain("Esc back · q quit");
		expect(folded()).not.toContain("concurrency");
		app.stdin.write("\r");
		await settle(300);
		expect(folded()).toContain("is in use by another pivotal-tui");

		app.stdin.write("q");
		await waitFor(() => expect(result).toBeDefined(), 5_000);
		expect(result?.code).toBe(6);
		expect(result?.message).toContain("is in use by another pivotal-tui");
		expect(sim.counters().posts).toBe(writesBefore);
		app.unmount();
	}, 90_000);
});
