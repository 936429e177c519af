import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";

const KEY = "pivotal_Zq7Xw3Rt9Lm2Np5Kv8Bc4Hd6Jf1Gs0Ya";
const OTHER = "pivotal_live_Other8Key7With6Digits5";

// A key pasted where a path goes comes back in the sentence that says the file is missing.
describe("a key given where a path was expected", () => {
	it.each([
		["as the customers file", ["import", KEY, "--headless"]],
		["as the map", ["import", "customers.csv", "--map", KEY, "--headless"]],
		["its secret part alone", ["import", KEY.slice("pivotal_".length), "--headless"]],
		[
			"a --key-env key, as the contacts file",
			["import", "customers.csv", "--contacts", OTHER, "--key-env", "OTHER_KEY"],
		],
	])("%s: masked in what is written, the sentence kept", async (_, args) => {
		const result = await runCli(args, { env: { PIVOTAL_API_KEY: KEY, OTHER_KEY: OTHER }, cwd: tempDir() });
		expect(result.code).toBe(2);
		const out = result.stdout + result.stderr;
		expect(out).toMatch(/does not exist/);
		for (const key of [KEY, OTHER]) {
			expect(out).not.toContain(key);
			expect(out).not.toContain(key.slice(-20));
		}
		expect(out).toMatch(/pivotal_(live_)?…(s0Ya|its5)/);
	});
});
