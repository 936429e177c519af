/**
 * The wizard's plan step reads the files as the CLI does (`checkImport`, then `planImport`): for
 * the same files and state it plans what `import --dry-run` plans, and it refuses a bad row with
 * the same file:line:column sentence the CLI prints.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import type { SyncPlan } from "../../src/core/plan/make-plan.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { App } from "../../src/ui/App.js";
import type { CheckedSources, UiServices, WizardPrefill } from "../../src/ui/services.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { runCli } from "../support/cli.js";
import { editRows } from "../support/edit-csv.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";
import { settle, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_PlanMatchesCli000a1b2";
const WINDOW_MS = 2_000;

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({
		windowMs: WINDOW_MS,
		keys: [{ key: KEY, name: "plan test key", rateLimit: 1_000 }],
	});
});

afterAll(async () => {
	await sim?.close();
});

const cliEnv = () => ({ PIVOTAL_API_KEY: KEY, PIVOTAL_API_URL: sim.baseUrl, PIVOTAL_WINDOW_SECONDS: "2" });

/**
 * The wizard on these files, from the key step to its plan; every reading the plan step got is
 * kept as the real service returned it (nothing else is changed).
 */
function mountAtPlan(files: { customers: string; contacts?: string; onboardings?: string }) {
	const real = nodeServices({
		folder: tempDir("pivotal-tui-plan-folder-"),
		baseUrl: sim.baseUrl,
		env: { PIVOTAL_API_KEY: KEY },
		settings: createSettings({ cwd: tempDir("pivotal-tui-plan-settings-") }),
		windowMs: WINDOW_MS,
	});
	const readings: CheckedSources[] = [];
	const services: UiServices = {
		...real,
		async checkAndPlan(...args) {
			const checked = await real.checkAndPlan(...args);
			readings.push(checked);
			return checked;
		},
	};
	const prefill: WizardPrefill = { isFixed: true, ...files };
	const app = render(withTheme(<App services={services} prefill={prefill} onResult={() => {}} />));
	return { app, readings };
}

async function pressOn(app: ReturnType<typeof render>, text: string): Promise<void> {
	await waitFor(() => expect(app.lastFrame()).toContain(text), 15_000);
	await settle();
	app.stdin.write("\r");
}

/** What both faces show of a plan: per pass its rows, operations, fields, first changes. */
function shown(passes: SyncPlan["passes"]) {
	return Object.fromEntries(
		Object.entries(passes).map(([pass, p]) => [
			pass,
			{
				rows: p.rows,
				ops: p.ops,
				fields: p.fields,
				examples: p.examples,
				automations: p.automations,
				notInFiles: p.notInFiles,
				gone: p.gone,
				slugCount: p.slugCount,
			},
		]),
	);
}

describe("the wizard's plan step and the CLI's dry run", () => {
	it("plan the same operations for the same files and state, in one reading of the files", async () => {
		const dir = tempDir("pivotal-tui-plan-files-");
		const files = await generateDataset({
			dir,
			customers: 10,
			contactsPerCustomer: 1,
			onboardingsPerCustomer: 1,
			seed: 11,
		});
		const importArgs = (...more: string[]) => [
			"import",
			files.customers,
			"--contacts",
			files.contacts,
			"--onboardings",
			files.onboardings,
			...more,
		];
		const first = await runCli(importArgs("--headless"), { env: cliEnv() });
		expect(first.code, first.stderr).toBe(0);
		// A newer export: three customers renamed, so the plan has updates beside unchanged rows.
		editRows(files.customers, "name", 3, (old) => `${old} Group`);

		const dry = await runCli(importArgs("--dry-run", "--json"), { env: cliEnv() });
		expect(dry.code, dry.stderr).toBe(0);
		const lines = dry.stdout
			.trim()
			.split("\n")
			.map((line) => JSON.parse(line) as Record<string, unknown>);
		const cli = lines.find((line) => line.type === "dry-run") as {
			requests: number;
			counts: Record<string, number>;
			passes: SyncPlan["passes"];
		};
		expect(cli.passes.customers.ops.update).toBe(3);

		const { app, readings } = mountAtPlan(files);
		await pressOn(app, "PIVOTAL_API_KEY pivotal_…a1b2");
		await pressOn(app, "workspace Simulator Workspace");
		await waitFor(() => expect(app.lastFrame()).toContain("✓ every row is valid"), 15_000);
		// One reading for the step: validation and the plan came from the same call.
		expect(readings).toHaveLength(1);
		const [reading] = readings;
		expect(reading?.check.problemCount).toBe(0);
		expect(reading?.check.counts).toEqual(cli.counts);
		expect(reading?.plan?.requests).toBe(cli.requests);
		expect(shown(reading!.plan!.passes)).toEqual(shown(cli.passes));
		expect(app.lastFrame()).toMatch(/customers\s+10\s+0\s+3\s+7/);
		app.unmount();
	}, 90_000);

	it("refuse a bad row with the same file:line:column sentence", async () => {
		const dir = tempDir("pivotal-tui-plan-bad-");
		const customers = join(dir, "customers.csv");
		writeFileSync(
			customers,
			"external_id,name,domain\ncus_1,One,one.example\ncus_2,,two.example\ncus_3,Three,three.example\n",
		);
		const cli = await runCli(["import", customers, "--dry-run"], { env: cliEnv() });
		expect(cli.code).toBe(2);
		const sentence = cli.stderr.split("\n").find((line) => line.includes("customers.csv:3:"));
		// File, line and column, then what is wrong.
		expect(sentence).toMatch(/customers\.csv:3:2: /);

		const { app, readings } = mountAtPlan({ customers });
		await pressOn(app, "PIVOTAL_API_KEY pivotal_…a1b2");
		await pressOn(app, "workspace Simulator Workspace");
		await waitFor(() => expect(app.lastFrame()).toContain("1 invalid row"), 15_000);
		expect(readings).toHaveLength(1);
		expect(readings[0]?.plan).toBeUndefined();
		// The same sentence, word for word (the screen shows the file by its path as given).
		expect(readings[0]?.check.problems).toEqual([sentence]);
		expect(app.lastFrame()).toContain("customers.csv:3:");
		app.unmount();
	}, 60_000);
});
