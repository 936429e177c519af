import { describe, expect, it } from "vitest";
import { checkArgv, meowMessage } from "../../src/cli/argv.js";
import { runCli } from "../support/cli.js";

const spec = {
	flags: {
		contacts: { type: "string" },
		concurrency: { type: "number" },
		window: { type: "number" },
		yes: { type: "boolean" },
		keyEnv: { type: "string", isMultiple: true },
		dryRun: { type: "boolean" },
	},
	valueNames: { contacts: "FILE", concurrency: "N", keyEnv: "NAME" },
} as const;

describe("checkArgv: one sentence for each kind of argv mistake", () => {
	it.each([
		["a file and flags as meant", ["x.csv", "--contacts", "c.csv", "--yes", "--concurrency", "4"], undefined],
		["= forms", ["x.csv", "--contacts=c.csv", "--concurrency=4", "--yes=true"], undefined],
		["a repeatable flag given twice", ["x.csv", "--key-env", "A", "--key-env", "B"], undefined],
		["a negated switch", ["x.csv", "--no-dry-run"], undefined],
		["a negative number (checked for range later)", ["x.csv", "--window", "-1"], undefined],
		["anything after --", ["x.csv", "--", "--bogus", "--yes", "--yes"], undefined],
		["a lone - (a file named -)", ["-", "--yes"], undefined],
		[
			"a value flag given twice",
			["x.csv", "--contacts", "a.csv", "--contacts", "b.csv"],
			"--contacts is given more than once; give it once with the value you mean.",
		],
		["a switch given twice", ["x.csv", "--yes", "--yes"], "--yes is given more than once; give it once."],
		[
			"a switch and its negation",
			["x.csv", "--yes", "--no-yes"],
			"--yes is given more than once; give it once.",
		],
		[
			"a value flag at the end with no value",
			["x.csv", "--contacts"],
			"--contacts needs a value: --contacts FILE.",
		],
		[
			"a value flag followed by a flag",
			["x.csv", "--key-env", "--yes"],
			"--key-env needs a value: --key-env NAME.",
		],
		["an empty = value", ["x.csv", "--contacts="], "--contacts needs a value: --contacts FILE."],
		[
			"a number flag given a word",
			["x.csv", "--concurrency", "four"],
			"--concurrency needs a number, not “four”.",
		],
		["a number flag given 1e", ["x.csv", "--concurrency=1e"], "--concurrency needs a number, not “1e”."],
		["a number flag with no value", ["x.csv", "--window"], "--window needs a value: --window VALUE."],
		[
			"an unknown flag",
			["x.csv", "--api-key=secret"],
			"Unknown option --api-key; run pivotal-tui --help for the options.",
		],
		[
			"a short flag",
			["x.csv", "-y"],
			"Unknown option -y: options are spelled out in full (e.g. --yes); run pivotal-tui --help for the options.",
		],
		[
			"--no- on a value flag",
			["x.csv", "--no-contacts"],
			"--no-contacts is not an option: --contacts takes a value (--contacts FILE).",
		],
		[
			"a switch given a value",
			["x.csv", "--yes=maybe"],
			"--yes is a switch and takes no value (drop “=maybe”).",
		],
	] as const)("%s", (_name, args, expected) => {
		expect(checkArgv(args, spec)).toBe(expected);
	});

	it("never repeats a key pasted where a value belongs", () => {
		const key = "pivotal_live_PastedInArgv0000a9a9";
		const message = checkArgv(["x.csv", "--concurrency", key], spec) ?? "";
		expect(message).toBe("--concurrency needs a number, not “pivotal_…a9a9”.");
		expect(checkArgv([`--${key}`], spec)).not.toContain(key);
	});

	it("respells meow's camelCase flag names as the user typed them", () => {
		expect(meowMessage(new Error("The flag --keyEnv can only be set once."))).toBe(
			"The flag --key-env can only be set once; run pivotal-tui --help for the options.",
		);
	});
});

describe("argv mistakes through the binary: one sentence, exit 2, never an unexpected error", () => {
	it.each([
		[
			["import", "x.csv", "--contacts", "a.csv", "--contacts", "b.csv"],
			/^--contacts is given more than once/,
		],
		[["import", "x.csv", "--concurrency", "abc"], /^--concurrency needs a number, not “abc”\.$/],
		[["import", "x.csv", "--checkpoint"], /^--checkpoint needs a value: --checkpoint FILE\.$/],
		[["import", "x.csv", "-x"], /^Unknown option -x/],
		[["import", "x.csv", "--frobnicate"], /^Unknown option --frobnicate;/],
		[["frob"], /^Unknown command “frob”/],
		[["demo", "--fast"], /^demo takes no arguments \(got --fast\); run pivotal-tui demo\.$/],
		[["--yes", "import", "x.csv"], /^Options go after the command/],
	])("%j", async (args, expected) => {
		const result = await runCli(args, { env: { PIVOTAL_API_KEY: "" } });
		expect(result.code).toBe(2);
		expect(result.stderr.trim()).toMatch(expected);
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
		expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
		expect(result.stdout).toBe("");
	});
});
