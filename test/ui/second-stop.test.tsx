/**
 * The wizard's second Ctrl+C leaves at once (adversarial finding N9): the requests still out are
 * given up, in doubt in the state, and the state is closed now, not when a hung server lets go.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { App, type AppResult } from "../../src/ui/App.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";
import { settle, startWizardRun, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_SecondStop0000000c3d4";
/** Every POST hangs far longer than the test waits for the state to be let go. */
const HANG_MS = 120_000;

let sim: Simulator | undefined;
afterEach(async () => {
	await sim?.close();
	sim = undefined;
});

describe("the wizard's second Ctrl+C", () => {
	it("gives up the hung requests (in doubt), closes the state and lets go of its lock at once, exit 3", async () => {
		const folder = tempDir("pivotal-tui-second-stop-");
		await generateDataset({
			dir: folder,
			customers: 5,
			contactsPerCustomer: 0,
			onboardingsPerCustomer: 0,
			seed: 3,
		});
		sim = await startSimulator({
			keys: [{ key: KEY, name: "second stop key", rateLimit: 200 }],
			faults: { hang: 1, hangMs: HANG_MS, methods: "post" },
		});
		let result: AppResult | undefined;
		const services = nodeServices({
			folder,
			baseUrl: sim.baseUrl,
			env: { PIVOTAL_API_KEY: KEY },
			settings: createSettings({ cwd: tempDir("pivotal-tui-second-stop-settings-") }),
		});
		const app = render(withTheme(<App services={services} onResult={(r) => (result = r)} />));
		try {
			await startWizardRun(app, "PIVOTAL_API_KEY pivotal_…c3d4");
			const checkpoint = join(folder, "customers.csv.checkpoint.json");
			// The creates are out, hanging.
			await waitFor(() => expect(app.lastFrame()).toMatch(/sending/), 15_000);
			await settle();
			app.stdin.write("\u0003");
			await waitFor(() => expect(app.lastFrame()).toMatch(/stopping/), 10_000);
			await settle();
			app.stdin.write("\u0003");
			await waitFor(() => expect(result?.code).toBe(3), 5_000);
			expect(result?.message).toContain("Stopped. Progress is saved in");
			// The run ends and lets go of its state within seconds, not the server's two minutes.
			await waitFor(() => expect(existsSync(`${checkpoint}.lock`)).toBe(false), 15_000);
			const state = await readCheckpoint(checkpoint);
			const marks = [...(state?.records.customers.values() ?? [])].map((r) => r.s);
			// Sent, no answer: in doubt, looked up on resume; none made twice, none lost.
			expect(marks.length).toBeGreaterThan(0);
			for (const mark of marks) expect(mark).toBe("sent");
		} finally {
			app.unmount();
		}
	});
});
