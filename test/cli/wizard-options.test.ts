import { describe, expect, it } from "vitest";
import { wizardOptions } from "../../src/cli/wizard-options.js";
import { runCli } from "../support/cli.js";

describe("options with no command are the wizard's", () => {
	it.each([
		[{ encoding: "windows-1252" }, ["encoding"], [], { ok: true, source: { encoding: "windows-1252" } }],
		[
			{ delimiter: ";", keyEnv: ["A", "B"] },
			["delimiter", "keyEnv", "keyEnv"],
			[],
			{ ok: true, keyVariables: ["A", "B"] },
		],
		[
			{ encoding: "klingon" },
			["encoding"],
			[],
			{ ok: false, message: expect.stringMatching(/^--encoding "klingon" is not an encoding/) },
		],
		[{}, ["yes"], [], { ok: false, message: expect.stringMatching(/^--yes goes with a command/) }],
		[
			{},
			["yes"],
			["import"],
			{ ok: false, message: expect.stringMatching(/^Options go after the command: pivotal-tui import/) },
		],
	])("%j %j %j", (flags, given, input, expected) => {
		expect(wizardOptions(flags, given, input)).toMatchObject(expected);
	});

	it("pivotal-tui --encoding windows-1252 starts the wizard (which needs a terminal), not a usage error", async () => {
		const result = await runCli(["--encoding", "windows-1252"]);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^pivotal-tui needs a terminal for the interactive wizard/);
		expect(result.stderr).not.toContain("Options go after");
	});
});
