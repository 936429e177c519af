/**
 * The README's "Library" program, as written: taken from README.md, compiled with the project's
 * TypeScript against the built package (a folder whose node_modules/pivotal-tui is this
 * repository, as an install would make it), and run with node from the package's folder.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/temp-dirs.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);

/** The first ```ts block after the "## Library" heading. */
function libraryProgram(readme: string): string {
	const section = readme.slice(readme.indexOf("\n## Library\n"));
	const match = /```ts\n([\s\S]*?)```/.exec(section);
	if (!match?.[1]) throw new Error("README.md has no TypeScript program under ## Library");
	return match[1];
}

/** Data rows of a sample file: its lines after the header (the samples have no quoted newlines). */
function rowsOf(file: string): number {
	return (
		readFileSync(join(ROOT, "fixtures", file), "utf8")
			.trim()
			.split("\n").length - 1
	);
}

describe("the README's library program", () => {
	it("compiles against the built package, syncs the sample files into the simulator and prints its progress", async () => {
		const dir = tempDir();
		const program = libraryProgram(readFileSync(join(ROOT, "README.md"), "utf8"));
		writeFileSync(join(dir, "sync.ts"), program);
		writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
		writeFileSync(
			join(dir, "tsconfig.json"),
			JSON.stringify({
				compilerOptions: {
					target: "ES2023",
					module: "NodeNext",
					moduleResolution: "NodeNext",
					strict: true,
					skipLibCheck: true,
					types: ["node"],
					outDir: "out",
				},
				files: ["sync.ts"],
			}),
		);
		mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
		symlinkSync(ROOT, join(dir, "node_modules", "pivotal-tui"), "dir");
		symlinkSync(
			join(ROOT, "node_modules", "@types", "node"),
			join(dir, "node_modules", "@types", "node"),
			"dir",
		);

		const tsc = join(ROOT, "node_modules", ".bin", "tsc");
		await run(tsc, ["-p", join(dir, "tsconfig.json")], { cwd: dir });
		const { stdout, stderr } = await run(process.execPath, [join(dir, "out", "sync.js")], {
			cwd: ROOT,
			// The program's own temp folder lands in this test's, which the runner checks is left empty.
			env: { ...process.env, TMPDIR: dir },
			timeout: 120_000,
		});
		expect(stderr).toBe("");
		const lines = stdout.trim().split("\n");
		const customers = rowsOf("customers.csv");
		const contacts = rowsOf("contacts.csv");
		const onboardings = rowsOf("onboardings.csv");
		expect(lines).toEqual([
			// A first sync looks its customers up (they may be in Pivotal already); their children are new.
			`plan customers: ${customers} rows, 0 to create, ${customers} to match`,
			`plan contacts: ${contacts} rows, ${contacts} to create, 0 to match`,
			`plan onboardings: ${onboardings} rows, ${onboardings} to create, 0 to match`,
			`customers: ${customers} records`,
			`customers: ${customers} done`,
			`contacts: ${contacts} records`,
			`contacts: ${contacts} done`,
			`onboardings: ${onboardings} records`,
			`onboardings: ${onboardings} done`,
			expect.stringMatching(/^completed: \d+ requests$/),
			`Pivotal holds ${customers} customers, ${contacts} contacts`,
		]);
		// One request per record at least: nothing was skipped on the way to the simulator.
		const requests = Number(/^completed: (\d+)/.exec(lines[9] ?? "")?.[1]);
		expect(requests).toBeGreaterThanOrEqual(customers + contacts + onboardings);
	}, 180_000);
});
