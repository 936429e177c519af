import { readFileSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { runUndoCommand } from "../../src/cli/undo-command.js";
import { createSettings } from "../../src/config/settings.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { readRecords } from "../../src/source/index.js";
import { App, type AppResult } from "../../src/ui/App.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";
import { pressUntilGone, pressUntilShown, settle, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_UndoFlow00000000c3d4";
const WINDOW_MS = 2_000;
const CUSTOMERS = 10;

let sim: Simulator;
let folder: string;
/** The customer that was in Pivotal before the import: adopted and corrected, never deleted. */
let adoptedId: string;

beforeAll(async () => {
	folder = tempDir("pivotal-tui-undo-flow-");
	await generateDataset({
		dir: folder,
		customers: CUSTOMERS,
		contactsPerCustomer: 1,
		onboardingsPerCustomer: 1,
		seed: 9,
	});
	sim = await startSimulator({
		windowMs: WINDOW_MS,
		keys: [{ key: KEY, name: "undo flow key", rateLimit: 200 }],
	});
	let third: { slug: unknown } | undefined;
	for await (const record of readRecords(join(folder, "customers.csv"), "customers")) {
		if (record.key === "cus_000003") third = { slug: record.body.slug };
	}
	const client = createClient({ baseUrl: sim.baseUrl, apiKey: KEY });
	const made = await client.createCustomer(
		JSON.stringify({
			name: "Orchard (before the import)",
			slug: third?.slug,
			metadata: { external_id: "cus_000003" },
		}),
		"undo-flow-seed",
	);
	adoptedId = made.data.id;
	await client.close();
});

afterAll(async () => {
	await sim?.close();
});

function mount(at = { folder, sim }) {
	let result: AppResult | undefined;
	const services = nodeServices({
		folder: at.folder,
		baseUrl: at.sim.baseUrl,
		env: { PIVOTAL_API_KEY: KEY },
		settings: createSettings({ cwd: tempDir("pivotal-tui-undo-flow-settings-") }),
		windowMs: WINDOW_MS,
	});
	const app = render(withTheme(<App services={services} onResult={(r) => (result = r)} />));
	return { ...app, result: () => result };
}

async function expectThenType(
	app: ReturnType<typeof mount>,
	text: string | RegExp,
	keys: string,
): Promise<void> {
	await waitFor(() => expect(app.lastFrame()).toMatch(text), 15_000);
	await settle();
	app.stdin.write(keys);
}

/**
 * A folder of `customers` generated rows (`perCustomer` contacts and onboardings each) and a
 * simulator of a test's own (`prefix` names the folder, `name` the key).
 */
async function ownWorkspace(
	prefix: string,
	name: string,
	customers: number,
	perCustomer: number,
	seed: number,
) {
	const own = {
		folder: tempDir(prefix),
		sim: await startSimulator({ windowMs: WINDOW_MS, keys: [{ key: KEY, name, rateLimit: 200 }] }),
	};
	await generateDataset({
		dir: own.folder,
		customers,
		contactsPerCustomer: perCustomer,
		onboardingsPerCustomer: perCustomer,
		seed,
	});
	return own;
}

/** The undo step's confirmation: the workspace's name typed, then Enter until the undo starts. */
async function confirmUndo(app: ReturnType<typeof mount>): Promise<void> {
	await expectThenType(app, "Type the workspace name, Simulator Workspace, to undo:", "Simulator Workspace");
	await waitFor(() => expect(app.lastFrame()).toContain("› Simulator Workspace"));
	await pressUntilGone(app, "Type the workspace name, Simulator Workspace, to undo:");
}

/** The wizard's steps from the folder's files to the run: each file, the key, the workspace, the plan. */
async function importThroughTheWizard(app: ReturnType<typeof mount>): Promise<void> {
	await expectThenType(app, /customers file[\s\S]*❯ customers\.csv/, "\r");
	await expectThenType(app, /contacts file \(optional\)[\s\S]*❯ contacts\.csv/, "\r");
	await expectThenType(app, /onboardings file \(optional\)[\s\S]*❯ onboardings\.csv/, "\r");
	await expectThenType(app, "PIVOTAL_API_KEY pivotal_…c3d4", "\r");
	await expectThenType(app, "workspace Simulator Workspace", "\r");
	await expectThenType(app, "✓ every row is valid", "\r");
}

describe("undo from the wizard's summary, against the simulator", () => {
	it("imports, writes the results CSV, then takes the run back: Pivotal holds none of what the import created", async () => {
		const app = mount();
		await importThroughTheWizard(app);
		await waitFor(() => expect(app.lastFrame()).toContain("✓ Every record is in Pivotal."), 30_000);
		expect(app.lastFrame()).toMatch(/customers\s+10\s+9\s+1\s+0/);

		// r: every row with its outcome and Pivotal id, beside the customers file.
		await expectThenType(app, /r results CSV\s+u undo/, "r");
		const resultsPath = join(folder, "customers.results.csv");
		await waitFor(() => expect(app.lastFrame()).toContain(`results CSV ${resultsPath}`));
		// A BOM first and CRLF line ends: what Excel needs to read it as UTF-8.
		const results = readFileSync(resultsPath, "utf8").trimEnd().split("\r\n");
		expect(results[0]).toBe("\ufeffpass,line,key,outcome,id,display_id,code,message");
		expect(results).toHaveLength(1 + 3 * CUSTOMERS);
		expect(results.find((line) => line.includes(",cus_000003,"))).toContain(`,updated,${adoptedId},`);

		// u: the plan, then the workspace named back; a wrong name sends nothing.
		await expectThenType(app, "u undo", "u");
		await waitFor(() =>
			expect(app.lastFrame()).toContain("Undo of run 1 in the workspace Simulator Workspace:"),
		);
		const plan = app.lastFrame() ?? "";
		expect(plan).toMatch(/onboardings\s+10\s+0\n/);
		expect(plan).toMatch(/contacts\s+10\s+0\n/);
		expect(plan).toMatch(/customers\s+9\s+1\n/);
		expect(plan).toContain("fields put back: customers.name 1");
		const before = sim.counters();
		await expectThenType(
			app,
			"Type the workspace name, Simulator Workspace, to undo:",
			"simulator workspace",
		);
		await waitFor(() => expect(app.lastFrame()).toContain("› simulator workspace"));
		await pressUntilShown(app, "That is not the workspace name; nothing was sent.");
		expect(sim.counters().requests).toBe(before.requests);
		for (let i = 0; i < "simulator workspace".length; i++) app.stdin.write("\u007f");
		await settle();
		app.stdin.write("Simulator Workspace");
		await waitFor(() => expect(app.lastFrame()).toContain("› Simulator Workspace"));
		await pressUntilGone(app, "Type the workspace name, Simulator Workspace, to undo:");

		// The undo's own summary, after its run screen.
		await waitFor(() => expect(app.lastFrame()).toContain("Undo summary"), 30_000);
		expect(app.frames.some((frame) => frame.includes("pivotal-tui · undoing · customers.csv"))).toBe(true);
		const summary = app.lastFrame() ?? "";
		expect(summary).toContain("✓ Undone: 29 deleted, 1 put back.");
		expect(summary).toMatch(/customers\s+10\s+9\s+1\s+0\s+0/);
		expect(summary).toMatch(/contacts\s+10\s+10\s+0\s+0\s+0/);
		expect(summary).not.toContain("u undo");
		for (const frame of app.frames) expect(frame).not.toContain(KEY);

		const state = sim.state();
		const live = (rows: readonly Record<string, unknown>[]) => rows.filter((row) => row.deleted !== true);
		expect(live(state.contacts)).toEqual([]);
		expect(live(state.onboardings)).toEqual([]);
		expect(live(state.customers).map((c) => [c.id, c.name])).toEqual([
			[adoptedId, "Orchard (before the import)"],
		]);

		await expectThenType(app, "Undo summary", "q");
		await waitFor(() => expect(app.result()).toEqual({ code: 0 }));
		app.unmount();
	}, 90_000);

	it("says before and after an undo that a create which got no answer is not taken back, and exits 1 (finding AD5)", async () => {
		const own = await ownWorkspace("pivotal-tui-undo-doubt-", "undo doubt key", 4, 0, 5);
		try {
			// The second customer's create is made, and answered 201 with a body that is no record:
			// the import cannot tell what it made, so the create stays in doubt.
			own.sim.pushFault({
				method: "POST",
				route: "/customers",
				kind: "error",
				status: 201,
				when: "after",
				times: 1,
			});
			const app = mount(own);
			await importThroughTheWizard(app);
			await expectThenType(app, "u undo", "u");
			await waitFor(() => expect(app.lastFrame()).toContain("Undo of run 1 in the workspace"));
			expect(app.lastFrame()?.replace(/\s+/g, " ")).toContain(
				"1 create of an earlier run got no answer: it may be in Pivotal, and this undo cannot take it back.",
			);
			await confirmUndo(app);
			await waitFor(() => expect(app.lastFrame()).toContain("Undo summary"), 30_000);
			expect(app.lastFrame()).toContain(
				"Not taken back: 1 create that got no answer, which may be in Pivotal",
			);
			// Its row is still in the file: not said to be gone from it (finding AG5).
			expect(app.lastFrame()).not.toContain("no longer in the files");
			await expectThenType(app, "Undo summary", "q");
			await waitFor(() => expect(app.result()).toEqual({ code: 1 }));
			app.unmount();
		} finally {
			await own.sim.close();
		}
	}, 90_000);

	it("stops an undo on q with its state saved, and says the undo command finishes it", async () => {
		const own = await ownWorkspace("pivotal-tui-undo-stop-", "undo stop key", 12, 1, 4);
		try {
			const app = mount(own);
			await importThroughTheWizard(app);
			await waitFor(() => expect(app.lastFrame()).toContain("✓ Every record is in Pivotal."), 30_000);
			// Slow answers from now on: the undo is still going when q arrives.
			own.sim.setFaults({ latencyMinMs: 400, latencyMaxMs: 400 });
			await expectThenType(app, "u undo", "u");
			await confirmUndo(app);
			await waitFor(() => expect(app.lastFrame()).toContain("pivotal-tui · undoing · customers.csv"), 15_000);
			await waitFor(
				() => expect(own.sim.state().onboardings.some((row) => row.deleted === true)).toBe(true),
				15_000,
			);
			app.stdin.write("q");
			await waitFor(() => expect(app.result()?.code).toBe(3), 20_000);
			const checkpoint = join(own.folder, "customers.csv.checkpoint.json");
			expect(app.result()?.message).toBe(
				`Stopped. Progress is saved in ${checkpoint}.\nRun pivotal-tui undo ${join(own.folder, "customers.csv")} to finish the undo where it left off.`,
			);
			const state = own.sim.state();
			// Stopped part-way: onboardings go first, and customers are still there.
			expect(state.customers.every((row) => row.deleted !== true)).toBe(true);
			app.unmount();

			// The command it names finishes the undo: nothing of the import is left.
			const out: string[] = [];
			const io = {
				stdout: { write: (text: string) => out.push(text) },
				stderr: { write: (text: string) => out.push(text) },
				env: { PIVOTAL_API_KEY: KEY },
				stdinIsTty: false,
			};
			const code = await runUndoCommand(
				join(own.folder, "customers.csv"),
				{
					all: false,
					dryRun: false,
					headless: true,
					yes: true,
					json: false,
					verbose: false,
					baseUrl: own.sim.baseUrl,
				},
				io,
			);
			expect(code).toBe(0);
			const after = own.sim.state();
			for (const rows of [after.customers, after.contacts, after.onboardings])
				expect(rows.filter((row) => row.deleted !== true)).toEqual([]);
		} finally {
			await own.sim.close();
		}
	}, 90_000);
});
