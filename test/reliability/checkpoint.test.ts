import { execFileSync } from "node:child_process";
import * as nodeFs from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import { InputError } from "../../src/core/engine.js";
import type { Simulator, SimulatorOptions } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { setup, TEST_KEY } from "../support/import-harness.js";
import { count, failingFs, printMatrix, recordCase, start } from "./support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(printMatrix);

async function prepared(sim: SimulatorOptions = {}, customers = 40) {
	const ready = await setup(
		{ rateLimit: 100_000, faults: { latencyMinMs: 1, latencyMaxMs: 4 }, ...sim },
		{ customers, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
	);
	sims.push(ready.sim);
	return ready;
}

describe("the checkpoint's disk", () => {
	for (const errno of ["ENOSPC", "EROFS"] as const) {
		it(`${errno} mid-run: stops with checkpoint-failed, nothing lost, the resume completes`, async () => {
			const { sim, files } = await prepared();
			const fs = failingFs();
			const first = start(sim, files, {
				checkpointFs: fs,
				onEvent: (event, _run, events) => {
					if (event.type === "record-done" && count(events, "record-done") === 50) fs.errno = errno;
				},
			});
			const stopped = await first.finish();
			expect(stopped.outcome).toBe("checkpoint-failed");
			expect(stopped.message).toContain(`(${errno}:`);
			expect(stopped.message).toContain(`${files.customers}.checkpoint.json`);
			// Stopped at once: at most the requests on the wire went out after the failure.
			expect(sim.counters().posts).toBeLessThan(50 + 12);
			const saved = await readCheckpoint(`${files.customers}.checkpoint.json`);
			expect(saved).toBeDefined();

			const resumed = await start(sim, files).finish();
			expect(resumed.outcome).toBe("completed");
			const result = await recordCase(`checkpoint ${errno} mid-run, then resume`, 2, sim, files);
			expect(result).toMatchObject({ duplicates: 0, lost: 0 });
		});
	}

	it("read-only from the start: checkpoint-failed in one sentence, nothing sent", async () => {
		const { sim, files } = await prepared();
		const fs = failingFs();
		fs.errno = "EROFS";
		const stopped = await start(sim, files, { checkpointFs: fs }).finish();
		expect(stopped.outcome).toBe("checkpoint-failed");
		expect(stopped.message).toMatch(/^Cannot write the checkpoint .*checkpoint\.json \(EROFS: /);
		expect(sim.counters().posts).toBe(0);
		const resumed = await start(sim, files).finish();
		expect(resumed.outcome).toBe("completed");
		const result = await recordCase("checkpoint read-only from the start, then resume", 2, sim, files);
		expect(result).toMatchObject({ duplicates: 0, lost: 0 });
	});
});

describe("a damaged checkpoint", () => {
	for (const damage of ["truncated", "corrupted"] as const) {
		it(`${damage}: refused naming the damage and the older backup (never loaded silently); --fresh then completes exactly once`, async () => {
			const { sim, files } = await prepared();
			const path = `${files.customers}.checkpoint.json`;
			const first = start(sim, files, {
				onEvent: (event, run, events) => {
					if (event.type === "record-done" && count(events, "record-done") === 60) run.stop();
				},
			});
			expect((await first.finish()).outcome).toBe("interrupted");
			expect(nodeFs.existsSync(`${path}.bak`)).toBe(true);
			const bytes = nodeFs.readFileSync(path);
			if (damage === "truncated") nodeFs.writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
			else
				nodeFs.writeFileSync(
					path,
					Buffer.concat([bytes.subarray(0, 200), Buffer.from("\u0000garbage}{"), bytes.subarray(220)]),
				);
			const damaged = nodeFs.readFileSync(path);
			const posts = sim.counters().posts;

			const refused = await start(sim, files)
				.finish()
				.then(
					() => undefined,
					(error: unknown) => error,
				);
			expect(refused).toBeInstanceOf(InputError);
			expect((refused as Error).message).toMatch(
				new RegExp(
					`^The checkpoint ${literal(path)} is damaged at (its first line|line \\d+) \\(the snapshot.*\\) and its backup ${literal(path)}\\.bak is older and would forget what was sent since, so it is not used; nothing was sent: repair it, or run again with --fresh`,
				),
			);
			expect(sim.counters().posts).toBe(posts);
			expect(nodeFs.readFileSync(path)).toEqual(damaged);

			const fresh = await start(sim, files, { plan: { fresh: true } }).finish();
			expect(fresh.outcome).toBe("completed");
			const result = await recordCase(`checkpoint ${damage}: refused, then --fresh`, 3, sim, files);
			expect(result).toMatchObject({ duplicates: 0, lost: 0 });
		});
	}

	it("damaged with no backup: a clear sentence naming the file, nothing sent", async () => {
		const { sim, files } = await prepared();
		const path = `${files.customers}.checkpoint.json`;
		const first = start(sim, files, {
			onEvent: (event, run, events) => {
				if (event.type === "record-done" && count(events, "record-done") === 30) run.stop();
			},
		});
		await first.finish();
		nodeFs.rmSync(`${path}.bak`);
		const bytes = nodeFs.readFileSync(path);
		nodeFs.writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
		const posts = sim.counters().posts;
		const refused = await start(sim, files)
			.finish()
			.then(
				() => undefined,
				(error: unknown) => error,
			);
		expect(refused).toBeInstanceOf(InputError);
		expect((refused as Error).message).toMatch(
			new RegExp(
				`^The checkpoint ${literal(path)} is damaged at (its first line|line \\d+) \\(the snapshot.*\\) and it has no backup; nothing was sent: repair it, or run again with --fresh`,
			),
		);
		expect(sim.counters().posts).toBe(posts);
		// Still there, untouched, for the user to inspect.
		expect(nodeFs.readFileSync(path).length).toBe(bytes.length >> 1);
	});
});

function literal(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function canMountTmpfs(): boolean {
	if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
	const probe = nodeFs.mkdtempSync("/tmp/pivotal-tui-probe-");
	try {
		execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
		execFileSync("umount", [probe], { stdio: "ignore" });
		return true;
	} catch {
		return false;
	} finally {
		nodeFs.rmSync(probe, { recursive: true, force: true });
	}
}

describe("the built binary on a real full disk (a tiny tmpfs; skipped where mount is not allowed)", () => {
	it.skipIf(!canMountTmpfs())(
		"exits 3 with the reason, then resumes to exactly once once there is room",
		async () => {
			const { sim, files } = await prepared({}, 120);
			const mountPoint = nodeFs.mkdtempSync("/tmp/pivotal-tui-disk-");
			execFileSync("mount", ["-t", "tmpfs", "-o", "size=24k", "tmpfs", mountPoint]);
			try {
				const checkpoint = join(mountPoint, "import.checkpoint.json");
				const args = [
					"import",
					files.customers,
					"--contacts",
					files.contacts ?? "",
					"--onboardings",
					files.onboardings ?? "",
					"--checkpoint",
					checkpoint,
					"--yes",
				];
				const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
				const full = await runCli(args, { env });
				expect(full.stderr).not.toMatch(/\n\s+at /);
				expect(full.stderr).toMatch(/Cannot write the checkpoint .*\(ENOSPC: the disk is full\)/);
				expect(full.code).toBe(3);
				execFileSync("mount", ["-o", "remount,size=4m", mountPoint]);
				const resumed = await runCli(args, { env });
				expect(resumed.code).toBe(0);
				const result = await recordCase("CLI: checkpoint on a full tmpfs, exit 3, resume", 2, sim, files);
				expect(result).toMatchObject({ duplicates: 0, lost: 0 });
			} finally {
				execFileSync("umount", ["-l", mountPoint]);
				nodeFs.rmSync(mountPoint, { recursive: true, force: true });
			}
		},
	);
});
