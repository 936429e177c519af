/**
 * The package's library entry, as a dependent resolves it (`import … from "pivotal-tui"` through
 * package.json `exports`): its functions are there, its types are declared, and loading it loads
 * no screen (Ink, React). A module-load hook lists every module the process loaded.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/temp-dirs.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("the library entry (package.json exports)", () => {
	it("resolves by the package's name to the app layer and the simulator, with declarations, and loads no Ink or React", async () => {
		const dir = tempDir();
		mkdirSync(join(dir, "node_modules"));
		symlinkSync(ROOT, join(dir, "node_modules", "pivotal-tui"), "dir");
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
		const script = join(dir, "probe.mjs");
		writeFileSync(
			script,
			`const lib = await import("pivotal-tui");
console.log(JSON.stringify(Object.keys(lib).filter((k) => typeof lib[k] === "function").sort()));
`,
		);
		const trace = join(dir, "loaded.txt");
		writeFileSync(trace, "");
		const { stdout } = await promisify(execFile)(
			process.execPath,
			[`--import=${pathToFileURL(register).href}`, script],
			{ cwd: dir, env: { ...process.env, PIVOTAL_TRACE_FILE: trace } },
		);
		const functions = JSON.parse(stdout) as string[];
		for (const name of ["openImport", "planImport", "applyImport", "openUndo", "applyUndo", "openPlan"])
			expect(functions).toContain(name);
		expect(functions).toContain("applyPlan");
		expect(functions).toContain("importDecision");
		expect(functions).toContain("startSimulator");

		const loaded = readFileSync(trace, "utf8").split("\n").filter(Boolean);
		// The hook saw the entry itself: the list is real.
		expect(loaded.some((url) => url.endsWith("/dist/src/index.js"))).toBe(true);
		const screens = loaded.filter((url) =>
			/\/node_modules\/(ink|react|@inkjs\/ui|react-reconciler)\//.test(url),
		);
		expect(screens).toEqual([]);
		expect(
			loaded.filter((url) => url.includes("/dist/src/ui/") && !url.includes("/dist/src/ui/model/")),
		).toEqual([]);

		const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
			types: string;
			exports: { ".": { types: string; default: string } };
		};
		expect(pkg.exports["."].types).toBe(pkg.types);
		expect(existsSync(join(ROOT, pkg.exports["."].types))).toBe(true);
		expect(readFileSync(join(ROOT, pkg.exports["."].types), "utf8")).toContain("openImport");
	});
});
