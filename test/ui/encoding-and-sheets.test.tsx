import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { App, type AppResult } from "../../src/ui/App.js";
import { encodingChoices, rowsThatDiffer } from "../../src/ui/model/encoding-choices.js";
import { fileStepChoices, sheetFor } from "../../src/ui/model/files.js";
import { initialWizard, type WizardAction, wizardReducer } from "../../src/ui/model/wizard-state.js";
import { PlanStep } from "../../src/ui/screens/PlanStep.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { tempDir } from "../support/temp-dirs.js";
import { settle, waitFor, withTheme } from "./helpers.js";

const UP = "\u001B[A";
const DOWN = "\u001B[B";
const RIGHT = "\u001B[C";
const ENTER = "\r";
const EXPORTS = join(import.meta.dirname, "../../fixtures/exports");
const KEY = "pivotal_live_EncodingSheets00c3d4";

describe("encoding and sheet choices (pure)", () => {
	it("offers the detected code page first, then the common ones and UTF-8, each once", () => {
		expect(encodingChoices("iso-8859-2")).toEqual([
			"iso-8859-2",
			"windows-1252",
			"latin1",
			"iso-8859-15",
			"windows-1250",
			"macintosh",
			"UTF-8",
		]);
		expect(encodingChoices("windows-1252")[0]).toBe("windows-1252");
		expect(encodingChoices("windows-1252").filter((e) => e === "windows-1252")).toHaveLength(1);
	});

	it("previews the rows an encoding changes", () => {
		expect(
			rowsThatDiffer(
				["a", "b"],
				[
					["1", "x"],
					["2", "é"],
					["3", "y"],
					["4", "ü"],
				],
			),
		).toEqual([1, 3]);
		expect(rowsThatDiffer(["Straße"], [["é"]])).toEqual([-1, 0]);
		expect(rowsThatDiffer(["a"], [["1"], ["2"], ["3"], ["4"]])).toEqual([0, 1, 2]);
	});

	it("picks the sheet named like the pass; lists the customers' workbook first for the others", () => {
		const sheets = ["Companies", "People", "Projects"];
		expect(sheetFor("customers", sheets)).toBe("Companies");
		expect(sheetFor("contacts", sheets)).toBe("People");
		expect(sheetFor("onboardings", sheets)).toBe("Projects");
		expect(sheetFor("contacts", ["Sheet1"])).toBeUndefined();
		expect(
			fileStepChoices(
				"contacts",
				["a.csv", "book.xlsx", "contacts.csv"],
				{ customers: "/d/book.xlsx#Companies" },
				undefined,
			),
		).toEqual({
			ordered: ["book.xlsx", "contacts.csv", "a.csv"],
			initial: "book.xlsx",
		});
	});

	it("the wizard: a workbook asks for its sheet; the encoding chosen is kept until the files change", () => {
		const run = (...actions: WizardAction[]) =>
			actions.reduce(wizardReducer, initialWizard({ delimiter: ";" }));
		expect(
			run({ type: "sheets-read", pass: "contacts", file: "/d/b.xlsx", sheets: ["A", "B"] }).stage,
		).toEqual({
			kind: "sheet",
			pass: "contacts",
			file: "/d/b.xlsx",
			sheets: ["A", "B"],
		});
		expect(run({ type: "sheet-back", pass: "contacts" }).stage).toEqual({ kind: "file", pass: "contacts" });
		expect(run({ type: "file-refused", pass: "customers", error: "b.xlsx: damaged." }).stage).toEqual({
			kind: "file",
			pass: "customers",
			error: "b.xlsx: damaged.",
		});
		const mapped = run({ type: "mapped", map: undefined, encoding: "windows-1252" });
		expect(mapped.source).toEqual({ delimiter: ";", map: undefined, encoding: "windows-1252" });
		expect(wizardReducer(mapped, { type: "to-files" }).source).toEqual({ delimiter: ";" });
	});
});

describe("the plan step's problems", () => {
	it("shows the first problem whole, its remedy included, however long", () => {
		const long =
			'kunden.csv:2: this line has bytes that are not valid UTF-8 (0xE9 at byte 62); use --encoding windows-1252 if the file is in that code page (it looks like it), or save it as UTF-8 (in Excel: "CSV UTF-8").';
		const { lastFrame, unmount } = render(
			withTheme(
				<PlanStep
					files={{ customers: "/d/kunden.csv" }}
					check={{
						kind: "checked",
						check: {
							counts: { customers: 5, contacts: 0, onboardings: 0 },
							fingerprints: { customers: "x", contacts: undefined, onboardings: undefined },
							problemCount: 2,
							problems: [long, long.replace(":2:", ":3:")],
						},
					}}
					keyInfo={{
						fingerprint: "sha256:0",
						masked: "pivotal_…a1b2",
						workspace: "Acme",
						keyName: "bulk",
						tier: "standard",
						isTest: false,
						limit: 60,
						remaining: 59,
					}}
					concurrency={1}
					isResume={false}
					isFresh={false}
					onConfirm={() => {}}
					onBack={() => {}}
					onQuit={() => {}}
				/>,
			),
		);
		const text = (lastFrame() ?? "").replace(/\s+/g, " ");
		expect(text).toContain(long);
		unmount();
	});
});

describe("the wizard reads what the CLI reads", () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({
			windowMs: 2_000,
			keys: [{ key: KEY, name: "encoding test", rateLimit: 600 }],
		});
	});
	afterAll(async () => {
		await sim?.close();
	});

	function mount(folder: string) {
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
		/** Verifies the key and goes on; Enter again while the verified key's input is not yet live. */
		const pastKey = async () => {
			await step("PIVOTAL_API_KEY", ENTER);
			await waitFor(() => expect(app.lastFrame()).toContain("Enter continue"), 15_000);
			for (let i = 0; i < 20 && (app.lastFrame() ?? "").includes("Enter continue"); i++) {
				await settle(150);
				app.stdin.write(ENTER);
				await settle(150);
			}
		};
		return { app, step, pastKey, result: () => result };
	}

	it("a windows-1252 CSV: the encoding step before the mapping, the accents right in the mapping, the map and the records", async () => {
		sim.reset();
		const folder = tempDir("pivotal-wizard-1252-");
		copyFileSync(join(EXPORTS, "excel-de-1252", "kunden.csv"), join(folder, "kunden.csv"));
		const { app, step, pastKey, result } = mount(folder);
		await step(/customers file[\s\S]*❯ kunden\.csv/, ENTER);
		await step("contacts file", ENTER);
		await step("onboardings file", ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("windows-1252 (detected)"), 15_000);
		expect(app.lastFrame()).toContain("K-1001 · Société Générale");
		// Read as UTF-8, the same row shows what the mapping would have been made from.
		await step("windows-1252 (detected)", DOWN.repeat(6));
		await waitFor(() => expect(app.lastFrame()).toContain("read as UTF-8"));
		expect(app.lastFrame()).toContain("Soci\uFFFDt\uFFFD G\uFFFDn\uFFFDrale");
		await step("read as UTF-8", UP.repeat(6));
		await step("read as windows-1252", ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("map customers columns"), 15_000);
		expect(app.lastFrame()).toContain('kunden.csv · ";"-delimited, windows-1252');
		// external_id ← Kundennr., name ← Firma.
		await step("map customers columns", RIGHT);
		await step(/external_id \*\s+‹ Kundennr\. ›/, DOWN);
		await step(/❯ name \*/, RIGHT.repeat(2));
		await waitFor(() => expect(app.lastFrame()).toMatch(/name \*\s+‹ Firma ›\s+Société Générale/));
		await step(/‹ Firma ›/, ENTER);
		await step("map customers values: status", ENTER);
		await pastKey();
		await waitFor(() => expect(app.lastFrame()).toContain("✓ every row is valid"), 15_000);
		// The plan names the file; how it is read was said on the mapping step (the rule toggles
		// take the format lines' place on a 24-row screen).
		expect(app.lastFrame()).toMatch(/files\s+kunden\.csv/);
		const map = readFileSync(join(folder, "kunden.map.json"), "utf8");
		expect(map).toContain('"Gekündigt"');
		expect(map).not.toContain("\uFFFD");
		await settle();
		app.stdin.write(ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("Every record is in Pivotal"), 30_000);
		expect(
			sim
				.state()
				.customers.map((c) => c.name)
				.sort(),
		).toEqual([
			"Café Crème SARL",
			"Müller Maschinenbau GmbH",
			"Société Générale",
			"Straßenbau Köhler AG",
			"Søren’s Bikes ApS",
		]);
		await settle();
		app.stdin.write("q");
		await waitFor(() => expect(result()).toEqual({ code: 0 }));
		app.unmount();
	}, 60_000);

	it("a workbook: its sheets listed for each file, mapped from the map beside it, imported", async () => {
		sim.reset();
		const folder = tempDir("pivotal-wizard-xlsx-");
		copyFileSync(join(EXPORTS, "xlsx", "book.xlsx"), join(folder, "book.xlsx"));
		copyFileSync(join(EXPORTS, "xlsx", "map.json"), join(folder, "book.map.json"));
		const { app, step, pastKey, result } = mount(folder);
		await step(/customers file[\s\S]*❯ book\.xlsx/, ENTER);
		await step(/customers sheet[\s\S]*❯ Customers\n\s+Contacts\n\s+Onboardings/, ENTER);
		await step(/contacts file[\s\S]*❯ book\.xlsx/, ENTER);
		await step(/contacts sheet[\s\S]*❯ Contacts/, ENTER);
		await step(/onboardings file[\s\S]*❯ book\.xlsx/, ENTER);
		await step(/onboardings sheet[\s\S]*❯ Onboardings/, ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("map customers columns"), 15_000);
		expect(app.lastFrame()).toContain('book.xlsx#Customers · sheet "Customers"');
		expect(app.lastFrame()).not.toContain("encoding");
		await step("map customers columns", ENTER);
		await step("map customers values: status", ENTER);
		await step("map contacts columns", ENTER);
		await step("map onboardings columns", ENTER);
		await pastKey();
		await waitFor(() => expect(app.lastFrame()).toContain("✓ every row is valid"), 15_000);
		expect(app.lastFrame()).toMatch(/files\s+book\.xlsx#Customers/);
		await settle();
		app.stdin.write(ENTER);
		await waitFor(() => expect(app.lastFrame()).toContain("Every record is in Pivotal"), 30_000);
		const state = sim.state();
		expect(state.customers.find((c) => c.name === "Société Générale")).toMatchObject({
			mrr: 250000,
			status: "churned",
		});
		expect(state.onboardings.find((o) => o.name === "SG migration")?.target_launch_date).toBe(
			"2027-03-29T00:00:00.000Z",
		);
		expect(state.contacts).toHaveLength(4);
		await settle();
		app.stdin.write("q");
		await waitFor(() => expect(result()).toEqual({ code: 0 }));
		app.unmount();
	}, 60_000);
});
