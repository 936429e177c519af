import { symlinkSync, writeFileSync } from "node:fs";
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
