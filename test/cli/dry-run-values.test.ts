import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";

describe("--dry-run --verbose shows the first rows as they will be sent", () => {
	it("money in cents, dates as ISO, domains as hosts, before anything is sent", async () => {
		const dir = tempDir();
		const customers = join(dir, "customers.csv");
		const onboardings = join(dir, "onboardings.csv");
		const map = join(dir, "map.json");
		const rows = ["external_id,name,mrr,domain"];
		for (let i = 1; i <= 5; i++) rows.push(`c${i},Customer ${i},1299,https://www.c${i}.example/`);
		writeFileSync(customers, `${rows.join("\n")}\n`);
		writeFileSync(onboardings, "customer_external_id,name,target_launch_date\nc1,Rollout,3/4/2026\n");
		writeFileSync(
			map,
			JSON.stringify({ customers: { units: { mrr: "dollars" } }, onboardings: { dates: "M/d/yyyy" } }),
		);
		const dry = await runCli(
			["import", customers, "--onboardings", onboardings, "--map", map, "--dry-run", "--verbose"],
			{ env: { PIVOTAL_API_KEY: undefined } },
		);
		expect(dry.stderr).toBe("");
		expect(dry.code).toBe(0);
		expect(dry.stdout).toContain("customers: the first 3 rows as sent:");
		expect(dry.stdout).toContain(
			'  c1 (line 2): name "Customer 1", mrr 129900, domain "c1.example", metadata { external_id: "c1" }',
		);
		expect(dry.stdout).toContain("  …and 2 more");
		expect(dry.stdout).toContain("onboardings: the first 1 row as sent:");
		expect(dry.stdout).toContain('target_launch_date "2026-03-04"');
		// Without --verbose the plan stays as it was.
		const quiet = await runCli(["import", customers, "--map", map, "--dry-run"], {
			env: { PIVOTAL_API_KEY: undefined },
		});
		expect(quiet.stdout).not.toContain("as sent:");
	});

	it("with --skip-invalid, the rows left out are not counted among those sent (finding U15)", async () => {
		const customers = join(tempDir(), "customers.csv");
		const rows = ["external_id,name,domain"];
		for (let i = 1; i <= 3; i++) rows.push(`v${i},Valid ${i},v${i}.example`);
		for (let i = 1; i <= 4; i++) rows.push(`x${i},Invalid ${i},not a host`);
		writeFileSync(customers, `${rows.join("\n")}\n`);
		const dry = await runCli(["import", customers, "--dry-run", "--verbose", "--skip-invalid"], {
			env: { PIVOTAL_API_KEY: undefined },
		});
		expect(dry.code, dry.stderr).toBe(0);
		expect(dry.stdout).toContain("customers: the first 3 rows as sent:");
		expect(dry.stdout).not.toContain("more");
	});
});
