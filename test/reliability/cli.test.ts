import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { Simulator } from "../../src/sim/index.js";
import { type CliResult, runCli, startCli } from "../support/cli.js";
import { setup, TEST_KEY } from "../support/import-harness.js";
import { delay, printMatrix, recordCase, sourceRecords, start } from "./support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(printMatrix);

const NEW_KEY = "pivotal_live_Rotated0000key9876";

function importArgs(files: SourceFiles, ...extra: string[]) {
	return [
		"import",
		files.customers,
		"--contacts",
		files.contacts ?? "",
		"--onboardings",
		files.onboardings ?? "",
		"--yes",
		...extra,
	];
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > end) throw new Error("condition not reached in time");
		await delay(10);
	}
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

describe("the built binary", () => {
	it("key revoked mid-run: exit 4 and one clear sentence, then a new key resumes to exactly once", async () => {
		const { sim, files } = await setup(
			{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 15 } },
			{ customers: 60, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
		);
		sims.push(sim);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const { result } = startCli(importArgs(files, "--concurrency", "4"), { env });
		await until(() => sim.counters().created.customers >= 20);
		sim.revokeKey(TEST_KEY);
		const refused = await result;
		expect(refused.code).toBe(4);
		expect(refused.stderr).toMatch(
			/^The API key was refused \(401 api_key_revoked\); nothing more was sent\. Check the key, then run the same command again to resume\.$/m,
		);
		expect(refused.stderr).not.toMatch(/\n\s+at /);
		const postsAfter = Object.entries(sim.counters().byRoute)
			.filter(([route]) => route.startsWith("POST") && route.endsWith(" 401"))
			.reduce((n, [, v]) => n + v, 0);
		expect(postsAfter).toBeLessThanOrEqual(4);

		const resumed = await runCli(importArgs(files), {
			env: { ...env, PIVOTAL_API_KEY: NEW_KEY },
		});
		expect(resumed.stderr).toBe("");
		expect(resumed.code).toBe(0);
		const audit = await recordCase("CLI: key revoked mid-run (exit 4), new key resumes", 2, sim, files);
		expect(audit).toMatchObject({ duplicates: 0, lost: 0 });
	});

	it("secrets: no artefact of a failing run holds the key (400s, 5xx exhausted, interrupted, refused)", async () => {
		const { sim, files, dir } = await setup(
			{ rateLimit: 100_000, faults: { latencyMinMs: 1, latencyMaxMs: 4 } },
			{ customers: 30, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
		);
		sims.push(sim);
		sim.pushFault({
			method: "POST",
			route: "/customers",
			times: 3,
			status: 400,
			code: "invalid_domain",
			field: "domain",
		});
		// Two onboardings whose every attempt fails with a 500: exhausted, failed, retryable.
		const { onboardings } = await sourceRecords(files);
		for (const record of onboardings.slice(-2)) {
			sim.pushFault({
				method: "POST",
				route: "/onboardings",
				match: { name: String(record.body.name) },
				times: 2,
			});
		}
		// The exhausting run in-process (two attempts, not the binary's eight with 30 s backoffs).
		const engineRun = await start(sim, files, { options: { maxAttempts: 2 } }).finish();
		expect(engineRun.outcome).toBe("completed");
		expect(engineRun.failuresByCode).toMatchObject({ invalid_domain: 3, internal_error: 2 });

		const outputs: CliResult[] = [];
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		// The binary resumes: the 500s still come, and it is interrupted while it backs off.
		sim.pushFault({ method: "POST", route: "/onboardings", times: 1_000 });
		const failuresJson = join(dir, "failures-json.csv");
		const interrupted = startCli(importArgs(files, "--json", "--verbose", "--failures-csv", failuresJson), {
			env,
		});
		await until(() => (sim.counters().byRoute["POST /onboardings 500"] ?? 0) >= 6);
		interrupted.child.kill("SIGINT");
		outputs.push(await interrupted.result);
		expect(outputs[0]?.code).toBe(3);

		// The cause goes away: a human-readable, verbose run finishes with the 400s failed (exit 1).
		sim.clearScriptedFaults();
		const failuresHuman = join(dir, "failures-human.csv");
		outputs.push(await runCli(importArgs(files, "--verbose", "--failures-csv", failuresHuman), { env }));
		expect(outputs[1]?.code).toBe(1);
		expect(readFileSync(failuresHuman, "utf8")).toMatch(/invalid_domain/);
		expect(readFileSync(failuresJson, "utf8")).toMatch(/invalid_domain/);

		// A refused key (exit 4) and a crash (SIGKILL mid-run) leave artefacts too.
		sim.revokeKey(TEST_KEY);
		outputs.push(await runCli(importArgs(files, "--json", "--verbose"), { env }));
		expect(outputs[2]?.code).toBe(4);
		const fresh = await runCli(
			importArgs(files, "--verbose", "--fresh", "--checkpoint", join(dir, "second.checkpoint.json")),
			{ env: { ...env, PIVOTAL_API_KEY: NEW_KEY }, killAfterMs: 600 },
		);
		outputs.push(fresh);

		const secrets = [TEST_KEY, TEST_KEY.slice("pivotal_".length), NEW_KEY.slice("pivotal_".length)];
		const artefacts = filesUnder(dir);
		expect(artefacts.some((p) => p.endsWith(".checkpoint.json"))).toBe(true);
		expect(artefacts.some((p) => p.endsWith(".checkpoint.json.bak"))).toBe(true);
		for (const path of artefacts) {
			const text = readFileSync(path, "latin1");
			for (const secret of secrets) expect(text, path).not.toContain(secret);
		}
		for (const output of outputs) {
			for (const secret of secrets) {
				expect(output.stdout).not.toContain(secret);
				expect(output.stderr).not.toContain(secret);
			}
		}
	});
});
