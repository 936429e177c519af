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
