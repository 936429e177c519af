/** Refusals and failures said once, in one clean sentence each. */
import { existsSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../../src/sim/index.js";
import { runCli, startCli } from "../support/cli.js";
import { TEST_KEY, tempDir } from "../support/import-harness.js";

function customers(): string {
	const csv = join(tempDir(), "c.csv");
	writeFileSync(csv, "external_id,name\nx1,A One\n");
	return csv;
}

describe("one sentence, once", () => {
	it("--summary-md naming the input: the refusal is printed once", async () => {
		const csv = customers();
		const done = await runCli(["import", csv, "--headless", "--summary-md", csv], {
			env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: "http://127.0.0.1:9/api/v1" },
		});
		expect(done.code).toBe(2);
		expect(done.stderr).toBe(
			`--summary-md ${csv} is the customers file ${csv}; nothing was sent: give --summary-md a file of its own.\n`,
		);
	});

	it("--checkpoint naming an input (a mistyped path), with --fresh or not: refused before anything is read, sent or moved (finding U7)", async () => {
		const csv = customers();
		const contacts = join(dirname(csv), "contacts.csv");
		writeFileSync(contacts, "customer_external_id,email\nx1,a@example.com\n");
		for (const extra of [["--fresh"], []]) {
			const done = await runCli(
				["import", csv, "--contacts", contacts, "--headless", "--yes", "--checkpoint", contacts, ...extra],
				{ env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: "http://127.0.0.1:9/api/v1" } },
			);
			expect(done.code).toBe(2);
			expect(done.stderr).toBe(
				`--checkpoint ${contacts} is the contacts file ${contacts}; nothing was sent: give --checkpoint a file of its own.\n`,
			);
		}
		expect(readdirSync(dirname(csv)).sort()).toEqual(["c.csv", "contacts.csv"]);
	});

	it("--checkpoint in a folder that does not exist: refused with exit 2, on a dry run too (finding U11)", async () => {
		const csv = customers();
		const missing = join(dirname(csv), "no-such-folder", "x.checkpoint.json");
		for (const extra of [["--yes"], ["--dry-run"]]) {
			const done = await runCli(["import", csv, "--headless", "--checkpoint", missing, ...extra], {
				env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: "http://127.0.0.1:9/api/v1" },
			});
			expect(done.code).toBe(2);
			expect(done.stderr).toBe(
				`The folder ${dirname(missing)} of the checkpoint ${missing} does not exist; nothing was sent: create it, or name another path with --checkpoint.\n`,
			);
		}
	});

	it("--checkpoint a link to nothing: refused at once, no list walked beside it (finding V3)", async () => {
		const sim = await startSimulator({ seed: 81, rateLimit: 100_000 });
		try {
			const csv = customers();
			const link = join(dirname(csv), "dangling.json");
			symlinkSync(join(dirname(csv), "nothere.json"), link);
			const started = Date.now();
			const done = await runCli(["import", csv, "--headless", "--yes", "--checkpoint", link], {
				env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl },
			});
			expect(done.code).toBe(2);
			expect(done.stderr).toContain("is a symbolic link");
			expect(done.stdout).not.toContain("asking again");
			expect(Date.now() - started).toBeLessThan(10_000);
			expect(sim.counters().byRoute["GET /customers 200"] ?? 0).toBe(0);
		} finally {
			await sim.close();
		}
	});

	it("state copy to a link to nothing: refused as a file that exists, the link left as it was (finding V3)", async () => {
		const sim = await startSimulator({ seed: 82, rateLimit: 100_000 });
		try {
			const csv = customers();
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			expect((await runCli(["import", csv, "--headless", "--yes"], { env })).code).toBe(0);
			const link = join(dirname(csv), "link.json");
			symlinkSync(join(dirname(csv), "target.json"), link);
			const copy = await runCli(["state", "copy", `${csv}.checkpoint.json`, link], { env });
			expect(copy.code).toBe(2);
			expect(copy.stderr).toBe(
				`${link} already exists; copy to a new file so that no state is overwritten.\n`,
			);
			expect(readlinkSync(link)).toBe(join(dirname(csv), "target.json"));
			expect(existsSync(join(dirname(csv), "target.json"))).toBe(false);
		} finally {
			await sim.close();
		}
	});

	it("--summary-md through a symlink to the state a first run is about to make: refused before anything is sent", async () => {
		const csv = customers();
		const link = join(dirname(csv), "sum.md");
		symlinkSync("c.csv.checkpoint.json", link);
		const done = await runCli(["import", csv, "--headless", "--yes", "--summary-md", link], {
			env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: "http://127.0.0.1:9/api/v1" },
		});
		expect(done.code).toBe(2);
		expect(done.stderr).toMatch(
			/^--summary-md \S+sum\.md is the state \S+c\.csv\.checkpoint\.json; nothing was sent/,
		);
		expect(existsSync(`${csv}.checkpoint.json`)).toBe(false);
	});

	it("a stop while the files are read (no report asked for) ends with a sentence and exit 3, not the signal's 130", async () => {
		const csv = join(tempDir(), "big.csv");
		writeFileSync(
			csv,
			`external_id,name\n${Array.from({ length: 300_000 }, (_, i) => `x${i},Name ${i}`).join("\n")}\n`,
		);
		const { child, result } = startCli(["import", csv, "--headless", "--dry-run"], {
			env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: "http://127.0.0.1:9/api/v1" },
			killAfterMs: 60_000,
		});
		// Once the file is open the command is reading it: past the handlers' install.
		await until(() => {
			try {
				return readdirSync(`/proc/${child.pid}/fd`).some((fd) => {
					try {
						return readlinkSync(`/proc/${child.pid}/fd/${fd}`) === csv;
					} catch {
						return false;
					}
				});
			} catch {
				return false;
			}
		});
		child.kill("SIGINT");
		const done = await result;
		expect(done.signal).toBeNull();
		expect(done.code).toBe(3);
		expect(done.stderr).toBe("Interrupted by SIGINT before anything was sent.\n");
	});
});

async function until(isDone: () => boolean): Promise<void> {
	for (let i = 0; i < 600 && !isDone(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
	expect(isDone()).toBe(true);
}
