import { existsSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { App, type AppResult } from "../../src/ui/App.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";
import { settle, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_WizardFlow000000e5f6";
const WINDOW_MS = 2_000;

let sim: Simulator;
let folder: string;

beforeAll(async () => {
	folder = tempDir("pivotal-tui-wizard-");
	await generateDataset({
		dir: folder,
		customers: 12,
		contactsPerCustomer: 1,
		onboardingsPerCustomer: 1,
		seed: 5,
	});
	sim = await startSimulator({
		windowMs: WINDOW_MS,
		keys: [{ key: KEY, name: "wizard test key", rateLimit: 200 }],
		scriptedFaults: [
			{
				method: "POST",
				route: "/customers",
				match: { "metadata.external_id": "cus_000004" },
				status: 400,
				code: "invalid_domain",
				field: "domain",
				message: "domain is blocked here.",
			},
		],
	});
});

afterAll(async () => {
	await sim?.close();
});

function mount(settingsDir: string) {
	let result: AppResult | undefined;
	const services = nodeServices({
		folder,
		baseUrl: sim.baseUrl,
		env: { PIVOTAL_API_KEY: KEY },
		settings: createSettings({ cwd: settingsDir }),
		windowMs: WINDOW_MS,
	});
	const app = render(
		withTheme(
			<App
				services={services}
				onResult={(r) => {
					result = r;
				}}
			/>,
		),
	);
	return { ...app, result: () => result };
}

/** Wait for `text`, give the new screen's input handlers a moment to register, then type. */
async function expectThenType(
	app: ReturnType<typeof mount>,
	text: string | RegExp,
	keys: string,
): Promise<void> {
	await waitFor(() => expect(app.lastFrame()).toMatch(text), 15_000);
	await settle();
	app.stdin.write(keys);
}

describe("the wizard against the simulator, with the real engine", () => {
	it("goes from file picking to the summary and the failures screen; a relaunch offers to resume", async () => {
		const settingsDir = tempDir("pivotal-tui-wizard-settings-");
		const app = mount(settingsDir);
		await expectThenType(app, /customers file[\s\S]*❯ customers\.csv/, "\r");
		await expectThenType(app, /contacts file \(optional\)[\s\S]*❯ contacts\.csv/, "\r");
		await expectThenType(app, /onboardings file \(optional\)[\s\S]*❯ onboardings\.csv/, "\r");
		await expectThenType(app, "PIVOTAL_API_KEY pivotal_…e5f6", "\r");
		await expectThenType(app, "workspace Simulator Workspace", "\r");
		await waitFor(() => expect(app.lastFrame()).toContain("✓ every row is valid"), 15_000);
		// rows, create (looked up first: a first sync), update, unchanged, blocked, failed, gone, not in files
		expect(app.lastFrame()).toMatch(/customers\s+12\s+12(\s+0){6}/);
		expect(app.lastFrame()).toContain("files       customers.csv · contacts.csv · onboardings.csv");
		expect(app.lastFrame()).toContain("requests ≈ 36");
		await settle();
		app.stdin.write("\r");
		await waitFor(() => expect(app.lastFrame()).toContain("Summary"), 30_000);
		const summary = app.lastFrame() ?? "";
		expect(summary).toMatch(/customers\s+12\s+11\s+0\s+1\s+0\s+0\s+11\/12/);
		expect(summary).toMatch(/contacts\s+12\s+11\s+0\s+0\s+1\s+0/);
		expect(summary).toContain("invalid_domain 1");
		expect(summary).toContain("customers.failures.csv");
		expect(existsSync(join(folder, "customers.failures.csv"))).toBe(true);
		for (const frame of app.frames) expect(frame).not.toContain(KEY);
		await settle();
		app.stdin.write("f");
		await waitFor(() => expect(app.lastFrame()).toContain("customers · invalid_domain (1)"));
		expect(app.lastFrame()).toContain("domain is blocked here.");
		expect(app.lastFrame()).toContain('{"name":"');
		expect(app.lastFrame()).toContain('"code":"invalid_domain"');
		await settle();
		app.stdin.write("\u001b");
		await expectThenType(app, "Summary", "q");
		await waitFor(() => expect(app.result()).toEqual({ code: 1 }));
		app.unmount();

		// The checkpoint beside the customers file is offered on the next launch, with its counts.
		const again = mount(settingsDir);
		await waitFor(() => expect(again.lastFrame()).toContain("Resume an import?"), 15_000);
		expect(again.lastFrame()).toContain("Resume customers.csv");
		expect(again.lastFrame()).toContain("customers 11/12 (1 failed)");
		again.unmount();
	}, 60_000);
});
