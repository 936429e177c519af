import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";

describe("a metadata column named like an object's own keys", () => {
	it.each(["__proto__", "constructor", "prototype"])(
		"metadata.%s is refused in validation, naming file, line and column, never silently dropped",
		async (key) => {
			const dir = tempDir();
			const customers = join(dir, "customers.csv");
			writeFileSync(customers, `external_id,name,metadata.${key}\nc1,Acme,x\n`);
			const result = await runCli(["import", customers, "--dry-run"]);
			expect(result.code).toBe(2);
			expect(result.stderr).toBe(
				`${customers}:1:3: column "metadata.${key}" cannot be sent: "${key}" is a name JavaScript objects reserve, so the key would be lost on its way to Pivotal; rename it, e.g. metadata.${key.replace(/_/g, "")}_value.\nNothing was sent: fix the input and run the command again.\n`,
			);
		},
	);

	it("mapped to from another header: the map is refused the same way", async () => {
		const dir = tempDir();
		const customers = join(dir, "export.csv");
		const map = join(dir, "map.json");
		writeFileSync(customers, "id,n,p\nc1,Acme,x\n");
		writeFileSync(
			map,
			JSON.stringify({ customers: { columns: { external_id: "id", name: "n", "metadata.__proto__": "p" } } }),
		);
		const result = await runCli(["import", customers, "--map", map, "--dry-run"]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('"metadata.__proto__" cannot be sent');
	});
});
