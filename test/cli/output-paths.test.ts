import { linkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputPathProblem } from "../../src/cli/output-paths.js";
import { tempDir } from "../support/temp-dirs.js";

describe("outputPathProblem", () => {
	const dir = tempDir();
	const customers = join(dir, "customers.csv");
	writeFileSync(customers, "external_id,name\n");
	const inputs = [
		{ what: "the customers file", path: customers },
		{ what: "the state", path: join(dir, "customers.csv.checkpoint.json") },
	];

	it("lets a new path through", () => {
		expect(outputPathProblem([{ what: "--plan-out", path: join(dir, "plan.json") }], inputs)).toBeUndefined();
	});

	it("refuses an input, written another way or through a symlink", () => {
		expect(
			outputPathProblem([{ what: "--summary-md", path: join(dir, ".", "customers.csv") }], inputs),
		).toMatch(/^--summary-md \S+ is the customers file/);
		const link = join(dir, "link.csv");
		symlinkSync(customers, link);
		expect(outputPathProblem([{ what: "--plan-out", path: link }], inputs)).toMatch(/is the customers file/);
	});

	it("refuses a hard link to an input or to the state (the same file under another name)", () => {
		const state = join(dir, "hard-state.json");
		writeFileSync(state, "{}\n");
		const linkToCustomers = join(dir, "hard-customers.md");
		const linkToState = join(dir, "hard-state.md");
		linkSync(customers, linkToCustomers);
		linkSync(state, linkToState);
		const guarded = [...inputs, { what: "the state", path: state }];
		expect(outputPathProblem([{ what: "--summary-md", path: linkToCustomers }], guarded)).toMatch(
			/^--summary-md \S+ is the customers file/,
		);
		expect(outputPathProblem([{ what: "$GITHUB_STEP_SUMMARY", path: linkToState }], guarded)).toMatch(
			/is the state/,
		);
	});

	it("refuses the state before it exists, and two outputs on one path", () => {
		expect(outputPathProblem([{ what: "--plan-out", path: inputs[1]!.path }], inputs)).toMatch(
			/is the state/,
		);
		const same = join(dir, "out.md");
		expect(
			outputPathProblem(
				[
					{ what: "--summary-md", path: same },
					{ what: "$GITHUB_STEP_SUMMARY", path: same },
				],
				inputs,
			),
		).toMatch(/^\$GITHUB_STEP_SUMMARY \S+ is the file of --summary-md/);
	});
});
