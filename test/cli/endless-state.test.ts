import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();
const ENDLESS = "/dev/zero";

describe("a state path that is not a regular file (the built binary)", () => {
	it.skipIf(!existsSync(ENDLESS))(
		"state copy, import --dry-run and undo refuse /dev/zero in one sentence instead of reading it for ever",
		async () => {
			const { sim, files, dir } = await prepared({ rateLimit: 100_000 }, { customers: 2 });
			const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
			const runs = [
				["state", "copy", ENDLESS, join(dir, "copy.json")],
				["import", files.customers, "--checkpoint", ENDLESS, "--dry-run", "--headless"],
				["undo", files.customers, "--checkpoint", ENDLESS, "--yes", "--headless"],
			];
			for (const args of runs) {
				// Killed if it reads for ever (the bug): a signal, not an exit code, then.
				const result = await runCli(args, { env, killAfterMs: 20_000 });
				expect(result.signal, args.join(" ")).toBeNull();
				expect(result.code, result.stderr).toBe(2);
				expect(result.stderr).toContain(`${ENDLESS} is not a regular file`);
				expect(result.stderr.trim().split("\n")).toHaveLength(1);
			}
			expect(sim.counters().requests).toBe(0);
			expect(existsSync(join(dir, "copy.json"))).toBe(false);
		},
		90_000,
	);
});
