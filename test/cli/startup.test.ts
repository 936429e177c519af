/**
 * What a command loads before it answers: `--version` and `--help` load next to nothing, and
 * a headless run no screen. A module-load hook (`--import`, as `node --import` takes it) lists
 * every module the process loaded through the ESM loader; the assertions are on that list.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));

/** Packages a command answering `--version` or `--help` has no use for. */
const HEAVY = ["meow", "csv-parse", "date-fns", "undici", "iconv-lite", "jsonc-parser", "ink", "react"];

/** Runs the binary with a load hook; returns the modules it loaded (file URLs) and its result. */
async function traced(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
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
	// Packages loaded through require() (a lazy CommonJS load) pass no ESM hook: the module cache
	// is listed at exit too.
	writeFileSync(
		register,
		`import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
register(${JSON.stringify(pathToFileURL(hooks).href)});
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => appendFileSync(process.env.PIVOTAL_TRACE_FILE, Object.keys(cache).join("\\n") + "\\n"));
`,
	);
	const traceFile = join(dir, "loaded.txt");
	writeFileSync(traceFile, "");
	const result = await runCli(args, {
		env: { ...env, NODE_OPTIONS: `--import=${pathToFileURL(register).href}`, PIVOTAL_TRACE_FILE: traceFile },
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
			expect(loaded.length).toBeLessThanOrEqual(11);
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
		// Nothing this run needs: no screen, no HTTP client (it sends nothing), no code page
		// (UTF-8), no map file, no date format.
		for (const name of ["ink", "react", "undici", "iconv-lite", "jsonc-parser", "date-fns"])
			expect(packages.has(name)).toBe(false);
	});

	it("an import loads no undo, and none of the Markdown summary's or notification's code when neither is asked for", async () => {
		const { result, loaded } = await traced([
			"import",
			join(FIXTURES, "customers.csv"),
			"--dry-run",
			"--headless",
		]);
		expect(result.code).toBe(0);
		const ours = loaded
			.filter((url) => url.includes("/dist/src/"))
			.map((url) => url.replace(/.*\/dist\/src\//, ""));
		expect(ours).toContain("cli/run-outputs.js");
		expect(ours.filter((file) => file.startsWith("core/undo/"))).toEqual([]);
		for (const file of ["report/summary-md.js", "report/notify.js", "report/report-text.js"])
			expect(ours).not.toContain(file);
	});

	it("a run loads none of a dry run's plan text, first rows or plan file, nor the CSVs', NDJSON's or question's code", async () => {
		const dir = tempDir();
		// A server that refuses every key: the run ends at its GET /me (exit 4), having loaded what a run loads.
		const server = createServer((_request, response) => {
			response.writeHead(401, { "content-type": "application/json" });
			response.end(
				JSON.stringify({ error: { type: "authentication_error", code: "invalid_api_key", message: "no" } }),
			);
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		const { port } = server.address() as AddressInfo;
		const { result, loaded } = await traced(
			["import", join(FIXTURES, "customers.csv"), "--headless", "--yes", "--checkpoint", join(dir, "s.json")],
			{ PIVOTAL_API_KEY: "pivotal_test_startup0000", PIVOTAL_API_URL: `http://127.0.0.1:${port}/api/v1` },
		).finally(() => server.close());
		expect(result.code).toBe(4);
		const ours = loaded
			.filter((url) => url.includes("/dist/src/"))
			.map((url) => url.replace(/.*\/dist\/src\//, ""));
		expect(ours).toContain("cli/headless-run.js");
		expect(ours).toContain("api/client.js");
		for (const file of [
			"cli/dry-run-face.js",
			"cli/plan-save.js",
			"report/plan-text.js",
			"report/first-rows.js",
			"report/plan-ndjson.js",
			"report/ndjson.js",
			"app/run-files.js",
			"core/plan/write-plan-file.js",
			"cli/ask.js",
		])
			expect(ours).not.toContain(file);
	});

	it("a dry run with a map's date format and a code page loads those packages when it reads them", async () => {
		const dir = tempDir();
		const csv = join(dir, "c.csv");
		writeFileSync(csv, Buffer.from("external_id,name,Signed\nc1,Caf\xe9 One,03/15/2026\n", "latin1"));
		const map = join(dir, "map.json");
		writeFileSync(
			map,
			JSON.stringify({
				customers: { columns: { external_id: "external_id", name: "name" }, dates: "MM/dd/yyyy" },
			}),
		);
		const { result, loaded } = await traced([
			"import",
			csv,
			"--map",
			map,
			"--encoding",
			"windows-1252",
			"--dry-run",
			"--headless",
		]);
		expect(result.code).toBe(0);
		const packages = packagesIn(loaded);
		for (const name of ["iconv-lite", "jsonc-parser", "date-fns"]) expect(packages.has(name)).toBe(true);
	});

	it("names only packages that exist as the heavy ones (the list above is not stale)", () => {
		for (const name of HEAVY) {
			expect(() =>
				readFileSync(fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url))),
			).not.toThrow();
		}
	});
});
