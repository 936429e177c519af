import { describe, expect, it } from "vitest";
import { runInteractive } from "../../src/cli/interactive.js";

/** A terminal that keeps what is written to it. */
function terminal() {
	const written: string[] = [];
	const stream = {
		isTTY: true,
		columns: 120,
		rows: 40,
		write: (text: string) => {
			written.push(text);
			return true;
		},
	} as unknown as NodeJS.WriteStream;
	return { stream, text: () => written.join("") };
}

describe("the wizard with PIVOTAL_STATE_URL set", () => {
	it("refuses before it draws, exit 2, saying how to run against the database; the URL's password is not shown", async () => {
		const out = terminal();
		const err = terminal();
		const code = await runInteractive({
			env: { PIVOTAL_STATE_URL: "postgres://sync:s3cretPass@127.0.0.1:5432/ops" },
			stdout: out.stream,
			stderr: err.stream,
		});
		expect(code).toBe(2);
		expect(out.text()).toBe("");
		expect(err.text()).toContain("PIVOTAL_STATE_URL is set, and the wizard keeps its state in a file");
		expect(err.text()).toContain('pivotal-tui import FILE --state "$PIVOTAL_STATE_URL"');
		expect(err.text()).not.toContain("s3cretPass");
	});
});
