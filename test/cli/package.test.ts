import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface PackedFile {
	readonly path: string;
	readonly size: number;
}

describe("the npm package (npm pack --dry-run)", () => {
	it("carries the binary, the built sources and the demo's sample files, not the test corpus", async () => {
		const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
			cwd: ROOT,
		});
		const [pack] = JSON.parse(stdout) as [{ files: PackedFile[] }];
		const paths = pack.files.map((f) => f.path);
		// What `pivotal-tui demo` copies: every CSV at the top of fixtures/.
		const samples = readdirSync(new URL("fixtures/", `file://${ROOT}`)).filter((n) => n.endsWith(".csv"));
		expect(samples.length).toBeGreaterThan(0);
		for (const name of samples) expect(paths).toContain(`fixtures/${name}`);
		expect(paths).toContain("bin/pivotal-tui.js");
		expect(paths).toContain("dist/src/cli/demo.js");
		expect(paths).toContain("dist/src/cli/main.js");
		const stray = paths.filter(
			(p) => /^(fixtures\/(bad|edge)\/|dist\/test\/|test\/|src\/)/.test(p) || p.endsWith(".map"),
		);
		expect(stray).toEqual([]);
		expect(pack.files.filter((f) => f.size > 100_000).map((f) => f.path)).toEqual([]);
	});
});
