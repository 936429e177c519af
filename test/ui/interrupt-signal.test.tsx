/**
 * SIGTERM and SIGHUP reach the TUI as Ctrl+C does: before a run the app leaves having sent
 * nothing; during a run it stops gracefully, with its checkpoint saved and exit 3.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { App, type AppResult } from "../../src/ui/App.js";
import type { UiServices } from "../../src/ui/services.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";
import { startWizardRun, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_SignalStop0000000a1b2";
const WINDOW_MS = 2_000;

let sim: Simulator | undefined;
afterEach(async () => {
	await sim?.close();
	sim = undefined;
});

/** The app on node's services, but with the process's signals replaced by `raise()`. */
async function mount(rateLimit: number) {
	const folder = tempDir("pivotal-tui-signal-");
	await generateDataset({
		dir: folder,
		customers: 20,
		contactsPerCustomer: 1,
		onboardingsPerCustomer: 0,
		seed: 9,
	});
	sim = await startSimulator({ windowMs: WINDOW_MS, keys: [{ key: KEY, name: "signal key", rateLimit }] });
	const listeners = new Set<() => void>();
	const services: UiServices = {
		...nodeServices({
			folder,
			baseUrl: sim.baseUrl,
			env: { PIVOTAL_API_KEY: KEY },
			settings: createSettings({ cwd: tempDir("pivotal-tui-signal-settings-") }),
			windowMs: WINDOW_MS,
		}),
		onInterrupt(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
	let result: AppResult | undefined;
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
	const raise = () => {
		for (const listener of [...listeners]) listener();
	};
	return { app, folder, raise, listeners, result: () => result };
}

describe("a signal from outside stops the TUI as Ctrl+C does", () => {
	it("before a run: the app leaves, nothing sent, exit 2, and lets go of the signal", async () => {
		const { app, raise, listeners, result } = await mount(200);
		await waitFor(() => expect(app.lastFrame()).toMatch(/customers file/), 15_000);
		expect(listeners.size).toBe(1);
		raise();
		await waitFor(
			() => expect(result()).toEqual({ code: 2, message: "Cancelled; nothing was sent." }),
			5_000,
		);
		app.unmount();
		expect(listeners.size).toBe(0);
		expect(sim?.counters().requests).toBe(0);
	});

	it("during a run: stops gracefully with the checkpoint saved (exit 3); a resume would create the rest", async () => {
		// 10 requests per 2 s: the 40 records take about 8 s, so the signal lands mid-run.
		const { app, folder, raise, result } = await mount(10);
		await startWizardRun(app, "PIVOTAL_API_KEY pivotal_…a1b2", true);
		await waitFor(() => expect(sim?.counters().created.customers ?? 0).toBeGreaterThan(0), 15_000);
		raise();
		await waitFor(() => expect(result()?.code).toBe(3), 30_000);
		expect(result()?.message).toContain("Stopped. Progress is saved in");
		expect(existsSync(join(folder, "customers.csv.checkpoint.json"))).toBe(true);
		// Stopped part-way: not every customer was created.
		expect(sim?.counters().created.customers ?? 0).toBeLessThan(20);
		app.unmount();
	});
});

describe("keys typed together on the run screen", () => {
	it("each acts on what the one before left: ++ raises the concurrency by two (finding AB3)", async () => {
		const { app, raise, result } = await mount(10);
		await startWizardRun(app, "PIVOTAL_API_KEY pivotal_…a1b2", true);
		await waitFor(() => expect(app.lastFrame()).toMatch(/conc 10\b/), 15_000);
		app.stdin.write("++");
		await waitFor(() => expect(app.lastFrame()).toMatch(/conc 12\b/), 5_000);
		app.stdin.write("-");
		await waitFor(() => expect(app.lastFrame()).toMatch(/conc 11\b/), 5_000);
		raise();
		await waitFor(() => expect(result()?.code).toBe(3), 30_000);
		app.unmount();
	});
});

describe("node's services listen to the process's signals only while subscribed", () => {
	it("SIGTERM and SIGHUP reach the listener; after unsubscribing they do not", () => {
		const services = nodeServices({
			folder: tempDir("pivotal-tui-signal-node-"),
			baseUrl: "http://127.0.0.1:9/api/v1",
			env: {},
			settings: createSettings({ cwd: tempDir("pivotal-tui-signal-node-settings-") }),
		});
		// Not emitted: the test runner's own worker listens to SIGTERM too.
		const listener = () => undefined;
		const unsubscribe = services.onInterrupt?.(listener);
		expect(process.listeners("SIGTERM")).toContain(listener);
		expect(process.listeners("SIGHUP")).toContain(listener);
		unsubscribe?.();
		expect(process.listeners("SIGTERM")).not.toContain(listener);
		expect(process.listeners("SIGHUP")).not.toContain(listener);
	});
});
