/**
 * Adversarial finding L10: a server that echoes the key cut short across its `pivotal_` prefix
 * (`pivotal_` and 11 characters of the secret, or `l_` and 10) showed those characters on stdout
 * and saved them in the CSVs, the summary and the state. Any 12-character run of the key that
 * holds a secret character is masked in every output.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/temp-dirs.js";
import {
	CASE_BOUND_MS,
	created,
	expectKept,
	HOSTILE_KEY,
	hostileServersPerTest,
	importAgainst,
	rowOf,
	send,
} from "./hostile-support.js";

const serve = hostileServersPerTest();

/** Every run of 12 of the key that holds a character past `pivotal_`, in lower case. */
const RUNS = Array.from({ length: HOSTILE_KEY.length - 11 }, (_, i) =>
	HOSTILE_KEY.slice(i, i + 12).toLowerCase(),
);

describe("a truncated echo of the key across its prefix", { timeout: CASE_BOUND_MS + 10_000 }, () => {
	it("is masked on stdout, in the failures and results CSVs, the summary and the state", async () => {
		const cut = HOSTILE_KEY.slice(0, 19);
		const across = HOSTILE_KEY.slice(6, 18);
		const server = await serve((seen, res) =>
			rowOf(seen) === "r1"
				? send(res, 201, { ...created(seen), metadata: { echoed: cut, again: across } })
				: send(res, 400, {
						error: {
							type: "invalid_request_error",
							code: `bad_${cut}`,
							message: `Key ${across} rejected`,
							field: cut,
						},
					}),
		);
		const rows = [["r1", "Row 1", "row-1"] as const, ["r2", "Row 2", "row-2"] as const];
		const summary = join(tempDir("pivotal-tui-l10-"), "summary.md");
		const run = await importAgainst(server, rows, { extraArgs: ["--summary-md", summary] });
		expectKept(run, 1);
		expect(run.stdout).toMatch(/✗ customers r2 .*400 bad_pivotal_…q9z8: Key [^ ]*pivotal_…q9z8 rejected/);
		expect([...run.files.keys()]).toEqual(expect.arrayContaining(["failures.csv", "results.csv"]));
		const outputs = [["stdout", run.stdout], ["summary.md", readFileSync(summary, "utf8")], ...run.files];
		for (const [name, text] of outputs as [string, string][]) {
			const lower = text.toLowerCase();
			for (const piece of RUNS) expect(lower.includes(piece), `${piece} in ${name}`).toBe(false);
		}
	});
});
