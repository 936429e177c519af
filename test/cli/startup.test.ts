/**
 * What a command loads before it answers: `--version` and `--help` load next to nothing, and
 * a headless run no screen. A module-load hook (`--import`, as `node --import` takes it) lists
 * every module the process loaded through the ESM loader; the assertions are on that list.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));

/** Packages a command answering `--version` or `--help` has no use for. */
const HEAVY = ["meow", "csv-parse", "date-fns", "undici", "iconv-lite", "jsonc-parser", "ink", "react"];

/** Runs the binary with a load hook; returns the modules it loaded (file URLs) and its result. */
async function traced(args: readonly string[]) {
	const dir = tempDir();
	const hooks = join(dir, "hooks.mjs");
	writeFileSync(
		hooks,
		`import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
	if (!url.startsWith("node:")) appendFileSync(process.env.PIVOTAL_TRACE_FILE, url + "\\n");
	return next(url, context);
}
`,
	);
	const register = join(dir, "register.mjs");
	writeFileSync(
		register,
		`import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
	);
	const traceFile = join(dir, "loaded.txt");
	writeFileSync(traceFile, "");
	const result = await runCli(args, {
		env: { NODE_OPTIONS: `--import=${pathToFileURL(register).href}`, PIVOTAL_TRACE_FILE: traceFile },
	});
	const loaded = readFileSync(traceFile, "utf8").split("\n").filter(Boolean);
	return { result, loaded };
}

function packagesIn(loaded: readonly string[]): Set<string> {
	const names = new Set<string>();
	for (const url of loaded) {
		const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
		if (match?.[1]) names.add(match[1]);
	}
	return names;
}

describe("start-up: a command loads what it needs when it needs it", () => {
	it.each(["--version", "--help", "import --help"])(
		"%s loads no package and a handful of ours",
		async (line) => {
			const { result, loaded } = await traced(line.split(" "));
			expect(result.code).toBe(0);
			expect(result.stdout.length).toBeGreaterThan(0);
			// The hook saw the binary itself: the list is real.
			expect(loaded.some((url) => url.endsWith("/bin/pivotal-tui.js"))).toBe(true);
			expect([...packagesIn(loaded)]).toEqual([]);
			expect(loaded.length).toBeLessThanOrEqual(10);
		},
	);

	it("a headless dry run loads the parser but no screen (Ink, React) and, sending nothing, no HTTP client", async () => {
		const { result, loaded } = await traced([
			"import",
			join(FIXTURES, "customers.csv"),
			"--dry-run",
			"--headless",
		]);
		expect(result.code).toBe(0);
		const packages = packagesIn(loaded);
		expect(packages.has("csv-parse")).toBe(true);
		for (const name of ["ink", "react", "undici"]) expect(packages.has(name)).toBe(false);
	});

	it("names only packages that exist as the heavy ones (the list above is not stale)", () => {
		for (const name of HEAVY) {
			expect(() =>
				readFileSync(fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url))),
			).not.toThrow();
		}
	});
});
