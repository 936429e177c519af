/**
 * A confirmation prompt closed with Ctrl+C or Ctrl+D (adversarial finding N11): the line after
 * the question is ended and the prompt answers "cancelled", never an unexpected error printed
 * on the question's line.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ask } from "../../src/cli/ask.js";

function terminal() {
	const input = new PassThrough();
	const output = new PassThrough();
	let shown = "";
	output.on("data", (chunk: Buffer) => {
		shown += chunk.toString();
	});
	return { input, output, shown: () => shown };
}

describe("ask", () => {
	it.each([
		["Ctrl+C", "\u0003"],
		["Ctrl+D", "\u0004"],
	])("%s at the prompt: undefined, and the question's line ended", async (_, key) => {
		const t = terminal();
		const answer = ask("Start? [y/N] ", { input: t.input, output: t.output, terminal: true });
		t.input.write(key);
		expect(await answer).toBeUndefined();
		expect(t.shown()).toMatch(/Start\? \[y\/N\] [^\n]*\n$/);
	});

	it("an answer is returned as typed", async () => {
		const t = terminal();
		const answer = ask("Start? [y/N] ", { input: t.input, output: t.output, terminal: true });
		t.input.write("y\r");
		expect(await answer).toBe("y");
	});
});
