/**
 * No output replaces a file of this tool's own that no name ties to the run: another import's
 * state, a state `--fresh` set aside, a plan (adversarial finding AH3). A plan made again over
 * the last one is allowed.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { BIN, runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/exports/xlsx/", import.meta.url));
const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

describe("outputs over files of the tool's own", () => {
	it("are refused before anything is sent, the files left as they were", async () => {
		const sim = await startSimulator({ rateLimit: 100_000 });
		sims.push(sim);
		const dir = tempDir();
		const ours = join(dir, "customers.csv");
		const theirs = join(dir, "eu.csv");
		writeFileSync(ours, "external_id,name\np1,Papa\n");
		writeFileSync(theirs, "external_id,name\nq1,Quebec\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(["import", ours, "--headless", "--yes"], { env })).code).toBe(0);
		expect((await runCli(["import", theirs, "--headless", "--yes"], { env })).code).toBe(0);
		expect((await runCli(["import", ours, "--headless", "--yes", "--fresh"], { env })).code).toBe(0);
		const setAside = join(dir, readdirSync(dir).find((name) => name.endsWith(".old")) ?? "none");
		const plan = join(dir, "plan.json");
		writeFileSync(ours, "external_id,name\np1,Papa\np2,Papa Two\n");
		const planned = await runCli(["import", ours, "--dry-run", "--plan-out", plan], { env });
		expect(planned.code).toBe(0);
		const theirState = join(dir, "eu.csv.checkpoint.json");
		const guarded = [theirState, setAside, plan];
		const before = guarded.map((path) => readFileSync(path, "utf8"));
		const posts = () => sim.counters().byRoute["POST /customers 201"] ?? 0;
		const sent = posts();
		for (const [flag, path, what] of [
			["--results-csv", theirState, "the state of a pivotal-tui import"],
			["--summary-md", setAside, "the state of a pivotal-tui import"],
			["--failures-csv", plan, "a pivotal-tui plan file"],
			// A lock of another import, held or not (finding AI2).
			[
				"--failures-csv",
				`${theirState}.lock`,
				`kept beside ${theirState}, the state of a pivotal-tui import`,
			],
		] as const) {
			const run = await runCli(["import", ours, "--headless", "--yes", flag, path], { env });
			expect(run.code).toBe(2);
			expect(run.stderr).toContain(`${flag} ${path} is ${what}; nothing was sent`);
		}
		// A path no file can be written at (finding AI5).
		for (const [flag, path, what] of [
			["--results-csv", dir, `${dir} is a folder; nothing was sent`],
			[
				"--summary-md",
				join(dir, "nowhere", "s.md"),
				`the folder ${join(dir, "nowhere")} does not exist; nothing was sent`,
			],
		] as const) {
			const run = await runCli(["import", ours, "--headless", "--yes", flag, path], { env });
			expect(run.code).toBe(2);
			expect(run.stderr).toContain(what);
		}
		const planNowhere = await runCli(
			["import", ours, "--dry-run", "--plan-out", join(dir, "nowhere", "p.json")],
			{
				env,
			},
		);
		expect(planNowhere.code).toBe(2);
		expect(posts()).toBe(sent);
		expect(guarded.map((path) => readFileSync(path, "utf8"))).toEqual(before);
		// Planned again over the last plan: allowed.
		const again = await runCli(["import", ours, "--dry-run", "--plan-out", plan], { env });
		expect(again.code).toBe(0);
		expect(readFileSync(plan, "utf8")).toContain('"format"');
	}, 60_000);

	it("a workbook given by its sheet is an input to every output, the step summary too (finding AJ1)", async () => {
		const dir = tempDir();
		const book = join(dir, "book.xlsx");
		copyFileSync(join(FIXTURES, "book.xlsx"), book);
		copyFileSync(join(FIXTURES, "map.json"), join(dir, "map.json"));
		const bytes = readFileSync(book);
		const args = ["import", `${book}#Customers`, "--map", join(dir, "map.json"), "--headless", "--dry-run"];
		for (const [extra, env] of [
			[["--summary-md", book], {}],
			[["--plan-out", book], {}],
			[[], { GITHUB_STEP_SUMMARY: book }],
		] as const) {
			const run = await runCli([...args, ...extra], { env: { ...env } });
			expect(run.code).toBe(2);
			expect(run.stderr).toContain(`${book} is the customers file ${book}#Customers; nothing was sent`);
		}
		expect(readFileSync(book).equals(bytes)).toBe(true);
	});

	it("an output naming the command's own stream is written after what it holds, never emptying it (finding AJ3)", () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		writeFileSync(customers, "external_id,name\nx1,X One\n");
		const log = join(dir, "sync.log");
		writeFileSync(log, "night 1\nnight 2\n");
		const quoted = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;
		for (const [flag, stream] of [
			["--summary-md", "/dev/stdout"],
			["--summary-md", "/dev/stderr"],
		] as const) {
			const run = spawnSync(
				"sh",
				[
					"-c",
					`${quoted(process.execPath)} ${quoted(BIN)} import ${quoted(customers)} --headless --dry-run ${flag} ${stream} >> ${quoted(log)} 2>&1`,
				],
				{ encoding: "utf8" },
			);
			expect(run.status).toBe(0);
		}
		const text = readFileSync(log, "utf8");
		expect(text.startsWith("night 1\nnight 2\n")).toBe(true);
		expect(text.match(/### pivotal-tui Import plan/g)).toHaveLength(2);
	});
});
