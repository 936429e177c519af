import { linkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputPathProblem } from "../../src/app/output-paths.js";
import { failuresPathFor, resultsPathFor } from "../../src/ui/model/app-result.js";
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

describe("a symlink to a file not made yet (the state of a first run)", () => {
	it("names that file: an output through it is refused", () => {
		const dir = tempDir();
		const state = join(dir, "customers.csv.checkpoint.json");
		const link = join(dir, "rr.csv");
		symlinkSync("customers.csv.checkpoint.json", link);
		expect(
			outputPathProblem([{ what: "--results-csv", path: link }], [{ what: "the state", path: state }]),
		).toMatch(/^--results-csv \S+rr\.csv is the state /);
		// A chain of links, and a loop, end in a sentence or a path, never a hang.
		symlinkSync("rr.csv", join(dir, "rr2.csv"));
		expect(
			outputPathProblem(
				[{ what: "--results-csv", path: join(dir, "rr2.csv") }],
				[{ what: "the state", path: state }],
			),
		).toMatch(/is the state/);
		symlinkSync("loop-b", join(dir, "loop-a"));
		symlinkSync("loop-a", join(dir, "loop-b"));
		expect(
			outputPathProblem(
				[{ what: "--results-csv", path: join(dir, "loop-a") }],
				[{ what: "the state", path: state }],
			),
		).toBeUndefined();
	});
});

describe("the wizard's own output names", () => {
	it("take a number where the plain name is an input, the state's, or a symlink; never write over them", () => {
		const dir = tempDir();
		const customers = join(dir, "c.csv");
		const contacts = join(dir, "c.failures.csv");
		writeFileSync(customers, "external_id,name\n");
		writeFileSync(contacts, "customer_external_id,name,email\n");
		const guarded = [customers, contacts, `${customers}.checkpoint.json`];
		expect(failuresPathFor(customers, guarded)).toBe(join(dir, "c.failures-2.csv"));
		// A symlink at the plain name, to anything: never written through.
		const other = join(dir, "k.csv");
		writeFileSync(other, "kept\n");
		symlinkSync(other, join(dir, "c.results.csv"));
		expect(resultsPathFor(customers, guarded)).toBe(join(dir, "c.results-2.csv"));
		// A hard link to the customers file under the next name too.
		linkSync(customers, join(dir, "c.failures-2.csv"));
		expect(failuresPathFor(customers, guarded)).toBe(join(dir, "c.failures-3.csv"));
		// Nothing in the way: the plain name.
		expect(failuresPathFor(join(dir, "d.csv"), [join(dir, "d.csv")])).toBe(join(dir, "d.failures.csv"));
	});
});
