import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import type { DistinctValues, MapSection, SourceMap } from "../../src/source/index.js";
import { App, type AppResult } from "../../src/ui/App.js";
import { MappingFlow } from "../../src/ui/screens/MappingFlow.js";
import { MappingStep } from "../../src/ui/screens/MappingStep.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { settle, waitFor, withTheme } from "./helpers.js";

const UP = "\u001B[A";
const DOWN = "\u001B[B";
const RIGHT = "\u001B[C";
const ENTER = "\r";
const ESC = "\u001B";

const HUBSPOT = join(import.meta.dirname, "../../fixtures/exports/hubspot");
const HEADER = [
	"Record ID",
	"Company name",
	"Company Domain Name",
	"Lifecycle Stage",
	"Create Date",
	"Industry",
];
const ROWS = [
	["9001", "Acme Corporation", "acme.com", "Customer", "2025-01-14", "Manufacturing"],
	["9002", "Bright Future Tech", "brightfuture.io", "Former Customer", "2024-11-02", "Software"],
	["9003", "Northwind Traders", "northwind.example", "Lead", "2025-03-30", "Retail"],
];

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), "pivotal-mapping-"));
	dirs.push(dir);
	return dir;
}

function mountStep(loadValues: (columns: readonly number[]) => Promise<readonly DistinctValues[]>) {
	const done: MapSection[] = [];
	let backs = 0;
	const app = render(
		withTheme(
			<MappingStep
				pass="customers"
				file="/data/companies.csv"
				header={HEADER}
				sample={ROWS}
				format={'";"-delimited, UTF-8'}
				mapPath="/data/companies.map.json"
				loadValues={loadValues}
				onDone={(section) => done.push(section)}
				onBack={() => {
					backs++;
				}}
			/>,
		),
	);
	return { ...app, done, backs: () => backs };
}

describe("the mapping step", () => {
	it("shows each field beside its suggested column, the preview and what is ignored; Enter maps the values", async () => {
		const asked: (readonly number[])[] = [];
		const app = mountStep(async (columns) => {
			asked.push(columns);
			return [
				{
					counts: [
						["Customer", 812],
						["Former Customer", 40],
						["Lead", 12],
					],
					isTruncated: false,
				},
			];
		});
		await waitFor(() => expect(app.lastFrame()).toContain("map customers columns"));
		const frame = app.lastFrame() ?? "";
		expect(frame).toMatch(/❯ external_id \*\s+‹ Record ID ›\s+9001/);
		expect(frame).toMatch(/name \*\s+Company name\s+Acme Corporation/);
		expect(frame).toMatch(/domain\s+Company Domain Name/);
		expect(frame).toContain("ignored: Create Date, Industry");
		expect(frame).toContain("map saved on Enter to: /data/companies.map.json");
		// Statuses go through their suggested values already in the preview.
		expect(frame).toContain(
			'{"name":"Acme Corporation","domain":"acme.com","status":"active","metadata":{"external_i',
		);
		expect(frame).toContain('"status":"churned"');

		await settle();
		app.stdin.write(ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("map customers values: status"));
		expect(asked).toEqual([[3]]);
		const values = app.lastFrame() ?? "";
		expect(values).toContain('"Lifecycle Stage" → status · 3 distinct values');
		expect(values).toMatch(/❯ Customer\s+812\s+‹ active ›/);
		expect(values).toMatch(/Former Customer\s+40\s+churned/);
		expect(values).toMatch(/Lead\s+12\s+onboarding/);

		await settle();
		app.stdin.write(DOWN);
		app.stdin.write(DOWN);
		app.stdin.write(RIGHT);
		await waitFor(() => expect(app.lastFrame()).toMatch(/❯ Lead\s+12\s+‹ active ›/));
		app.stdin.write(ENTER);
		await waitFor(() => expect(app.done).toHaveLength(1));
		expect(app.done[0]).toEqual({
			columns: {
				external_id: "Record ID",
				name: "Company name",
				domain: "Company Domain Name",
				status: "Lifecycle Stage",
			},
			values: { status: { Customer: "active", "Former Customer": "churned", Lead: "active" } },
		});
		app.unmount();
	});

	it("refuses to go on without a required field, and Esc from the columns leaves the step", async () => {
		const app = mountStep(async () => []);
		await waitFor(() => expect(app.lastFrame()).toContain("‹ Record ID ›"));
		await settle();
		// external_id back to (none): options are none, then each header.
		app.stdin.write("\u001B[D");
		await waitFor(() => expect(app.lastFrame()).toContain("‹ (none) ›"));
		app.stdin.write(ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("external_id is required: choose the column"));
		expect(app.lastFrame()).toContain('does not map the required field "external_id"');
		app.stdin.write(UP);
		app.stdin.write(ESC);
		await waitFor(() => expect(app.backs()).toBe(1));
		expect(app.done).toEqual([]);
		app.unmount();
	});
});

describe("the mapping flow", () => {
	function mountFlow(folder: string) {
		const services = nodeServices({
			folder,
			baseUrl: "http://127.0.0.1:9",
			env: {},
			settings: createSettings({ cwd: join(folder, "settings") }),
		});
		const result: { map?: SourceMap | undefined; isDone?: boolean } = {};
		const files = {
			customers: join(folder, "companies.csv"),
			contacts: join(folder, "contacts.csv"),
		};
		const app = render(
			withTheme(
				<MappingFlow
					files={files}
					services={services}
					onDone={(map) => {
						result.map = map;
						result.isDone = true;
					}}
					onBack={() => {}}
				/>,
			),
		);
		return { ...app, result };
	}

	it("maps each file that needs it, saves the map beside the customers file, and starts from it next time", async () => {
		const folder = tempDir();
		for (const name of ["companies.csv", "contacts.csv"])
			copyFileSync(join(HUBSPOT, name), join(folder, name));
		const first = mountFlow(folder);
		await waitFor(() => expect(first.lastFrame()).toContain("map customers columns"));
		await settle();
		first.stdin.write(ENTER);
		await waitFor(() => expect(first.lastFrame()).toContain("map customers values: status"));
		await settle();
		first.stdin.write(ENTER);
		await waitFor(() => expect(first.lastFrame()).toContain("map contacts columns"));
		expect(first.lastFrame()).toMatch(/name \*\s+First Name \+ Last Name\s+Ann Lee/);
		await settle();
		first.stdin.write(ENTER);
		await waitFor(() => expect(first.result.isDone).toBe(true));
		const path = join(folder, "companies.map.json");
		expect(first.result.map?.file).toBe(path);
		const saved = JSON.parse(readFileSync(path, "utf8")) as Record<string, MapSection>;
		expect(saved.customers?.values?.status).toEqual({ Customer: "active", "Former Customer": "churned" });
		expect(saved.contacts?.columns?.name).toEqual(["First Name", "Last Name"]);
		first.unmount();

		const again = mountFlow(folder);
		// A long temp path is cut at the terminal width from the left; the end says which map it is.
		await waitFor(() => expect(again.lastFrame()).toMatch(/saved again on Enter\): .*companies\.map\.json/));
		again.unmount();
	});

	it("shows nothing and maps nothing when every header is ours", async () => {
		const folder = tempDir();
		const fixtures = join(import.meta.dirname, "../../fixtures");
		copyFileSync(join(fixtures, "customers.csv"), join(folder, "companies.csv"));
		copyFileSync(join(fixtures, "contacts.csv"), join(folder, "contacts.csv"));
		const flow = mountFlow(folder);
		await waitFor(() => expect(flow.result.isDone).toBe(true));
		expect(flow.result.map).toBeUndefined();
		expect(existsSync(join(folder, "companies.map.json"))).toBe(false);
		flow.unmount();
	});
});

describe("the wizard with another program's export", () => {
	const KEY = "pivotal_live_MappingWizard0000a9b8";
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({
			windowMs: 2_000,
			keys: [{ key: KEY, name: "mapping test", rateLimit: 600 }],
		});
	});
	afterAll(async () => {
		await sim?.close();
	});

	it("goes files → mapping → key → plan (naming the map) → run, and the records land mapped", async () => {
		const folder = tempDir();
		for (const name of ["companies.csv", "contacts.csv", "projects.csv"]) {
			copyFileSync(join(HUBSPOT, name), join(folder, name));
		}
		let result: AppResult | undefined;
		const services = nodeServices({
			folder,
			baseUrl: sim.baseUrl,
			env: { PIVOTAL_API_KEY: KEY },
			settings: createSettings({ cwd: join(folder, "settings") }),
			windowMs: 2_000,
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
		const step = async (text: string | RegExp, keys: string) => {
			await waitFor(() => expect(app.lastFrame()).toMatch(text), 15_000);
			await settle();
			app.stdin.write(keys);
		};
		await step(/customers file[\s\S]*❯ companies\.csv/, ENTER);
		await step(/contacts file[\s\S]*❯ contacts\.csv/, ENTER);
		await step(/onboardings file[\s\S]*❯ projects\.csv/, ENTER);
		await step("map customers columns", ENTER);
		await step("map customers values: status", ENTER);
		await step("map contacts columns", ENTER);
		await step("map onboardings columns", ENTER);
		await step("PIVOTAL_API_KEY", ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("Enter continue"), 15_000);
		// The verified key's screen can draw before its input handler is live: press Enter again
		// while it is still shown, as a person would.
		for (let i = 0; i < 20 && (app.lastFrame() ?? "").includes("Enter continue"); i++) {
			await settle(150);
			app.stdin.write(ENTER);
			await settle(150);
		}
		await waitFor(() => expect(app.lastFrame()).toContain("✓ every row is valid"), 15_000);
		const plan = app.lastFrame() ?? "";
		// On a 24-row screen the rule toggles take the format lines' place (a tall one shows both);
		// the map was named on the mapping step, and the plan names the files it read.
		expect(plan).toMatch(/files\s+companies\.csv/);
		expect(plan).toMatch(/c \[ \] create only/);
		await settle();
		app.stdin.write(ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("Every record is in Pivotal"), 30_000);
		const state = sim.state();
		expect(state.contacts.map((c) => c.name).sort()).toEqual(["Ann Lee", "Bob", "Chen Wu", "Dana Ortiz"]);
		expect(state.onboardings.find((o) => o.name === "Acme rollout")).toMatchObject({
			phase: "program_design",
		});
		await settle();
		app.stdin.write("q");
		await waitFor(() => expect(result).toEqual({ code: 0 }));
		app.unmount();
	}, 60_000);
});
