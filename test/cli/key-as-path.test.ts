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
		["18 characters of it, as the map", ["import", "customers.csv", "--map", KEY.slice(8, 26), "--headless"]],
		[
			"its secret upper-cased, as the map",
			["import", "customers.csv", "--map", KEY.slice(8).toUpperCase(), "--headless"],
		],
		["a key cut short, as the customers file", ["import", `${KEY.slice(0, 24)}.csv`, "--headless"]],
	])("%s: masked in what is written, the sentence kept", async (_, args) => {
		const result = await runCli(args, { env: { PIVOTAL_API_KEY: KEY, OTHER_KEY: OTHER }, cwd: tempDir() });
		expect(result.code).toBe(2);
		const out = result.stdout + result.stderr;
		expect(out).toMatch(/does not exist/);
		// No run of 12 characters of either key's secret, in any case.
		const lower = out.toLowerCase();
		for (const key of [KEY, OTHER]) {
			const secret = key.replace(/^pivotal_(live_)?/, "").toLowerCase();
			for (let at = 0; at + 12 <= secret.length; at += 1)
				expect(lower).not.toContain(secret.slice(at, at + 12));
		}
		expect(out).toMatch(/pivotal_(live_)?…(s0Ya|its5)/);
	});
});
