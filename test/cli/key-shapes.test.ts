import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { maskKey } from "../../src/api/key.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { tempDir } from "../support/import-harness.js";

const OUR_KEY = "pivotal_live_OurOwnKey00000a1a1";
/** Another workspace's key, pasted into a cell: shown masked everywhere, as the reports mask it. */
const OTHER = "pivotal_live_Kx81TESTkey0000a1b2";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function folder(): string {
	const dir = tempDir("pivotal-tui-key-shapes-");
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

async function sim(): Promise<Simulator> {
	const started = await startSimulator({ seed: 3, rateLimit: 100_000, keys: [OUR_KEY] });
	cleanups.push(() => started.close());
	return started;
}

describe("a key of another workspace in a cell never reaches the terminal whole", () => {
	it("a validation sentence quoting the cell, with no key in the environment", async () => {
		const dir = folder();
		const file = join(dir, "c.csv");
		writeFileSync(file, `external_id,name,domain\nk-1,One,one.com\nk-2,Two,${OTHER}\n`);
		for (const face of ["--headless", "--json"]) {
			const result = await runCli(["import", file, face, "--dry-run"], {
				env: { PIVOTAL_API_KEY: undefined },
			});
			expect(result.code).toBe(2);
			const shown = result.stdout + result.stderr;
			expect(shown).toContain(`c.csv:3:3: domain "${maskKey(OTHER)}"`);
			expect(shown).not.toContain(OTHER);
			expect(shown).not.toContain("Kx81TESTkey");
		}
	});

	it("a dry run's preview of a changed name, on the terminal and in --json", async () => {
		const server = await sim();
		const dir = folder();
		const file = join(dir, "c.csv");
		const env = { PIVOTAL_API_KEY: OUR_KEY, PIVOTAL_API_URL: server.baseUrl };
		writeFileSync(file, "external_id,name\nk-1,Kay One\n");
		expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(0);
		writeFileSync(file, `external_id,name\nk-1,KEY2 ${OTHER} end\n`);
		const summary = join(dir, "dry.md");
		for (const face of ["--headless", "--json"]) {
			const result = await runCli(["import", file, face, "--dry-run", "--summary-md", summary], { env });
			expect(result.code).toBe(0);
			const shown = result.stdout + result.stderr;
			// The preview is there, with the key in the form every output of a run shows it.
			expect(shown).toContain(`"KEY2 ${maskKey(OTHER)}`);
			expect(shown).not.toContain(OTHER);
			expect(readFileSync(summary, "utf8")).not.toContain(OTHER);
		}
	});
});

describe("a key in a server's sentence, or in a cell, never reaches the files a run writes whole", () => {
	it("the state and the failures CSV hold the failure's sentence with the key masked; the results CSV masks a cell's", async () => {
		const server = await sim();
		server.pushFault({
			method: "POST",
			route: "/customers",
			match: { "metadata.external_id": "w2" },
			status: 422,
			code: "invalid_field",
			message: `key ${OTHER} was revoked`,
		});
		const dir = folder();
		const file = join(dir, "c.csv");
		writeFileSync(file, `external_id,name,metadata.note\nw1,W One,x\nw2,W Two,${OTHER}\n`);
		const failures = join(dir, "f.csv");
		const results = join(dir, "r.csv");
		const env = { PIVOTAL_API_KEY: OUR_KEY, PIVOTAL_API_URL: `${server.baseUrl}?token=${OUR_KEY}` };
		const run = await runCli(
			["import", file, "--headless", "--yes", "--failures-csv", failures, "--results-csv", results],
			{ env },
		);
		expect(run.code, run.stderr).toBe(1);
		const failed = readFileSync(failures, "utf8");
		expect(failed).toContain(`key ${maskKey(OTHER)} was revoked`);
		const state = readFileSync(`${file}.checkpoint.json`, "utf8");
		expect(state).toContain(`key ${maskKey(OTHER)} was revoked`);
		expect(state).not.toContain(OUR_KEY);
		for (const written of [failed, readFileSync(results, "utf8")]) expect(written).not.toContain(OTHER);
	});
});
