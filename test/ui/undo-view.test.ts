import { describe, expect, it } from "vitest";
import { interruptedResult, resultsPathFor } from "../../src/ui/model/app-result.js";
import {
	confirmationWord,
	isConfirmed,
	restoredFields,
	runsLabel,
	undoRequests,
	undoRows,
	undoTotal,
} from "../../src/ui/model/undo-view.js";
import { undoPlan } from "./plan-fixtures.js";

describe("the undo step's view of an undo plan", () => {
	it("goes children first and counts the requests at most (a GET before each PATCH)", () => {
		const plan = undoPlan();
		expect(undoRows(plan).map((r) => [r.pass, r.delete, r.restore])).toEqual([
			["onboardings", 2, 0],
			["contacts", 2, 0],
			["customers", 2, 1],
		]);
		expect(undoTotal(plan)).toBe(7);
		expect(undoRequests(plan)).toBe(8);
		// A record re-created is looked for first: the list pages count too.
		expect(undoRequests({ ...plan, listPages: 3 })).toBe(11);
	});

	it("names the fields put back, metadata key by key", () => {
		expect(restoredFields(undoPlan())).toEqual(["customers.name 1", "customers.metadata.region 1"]);
	});

	it.each([
		[[], "no run"],
		[[3], "run 3"],
		[[2, 3], "runs 2, 3"],
	])("labels runs %j as %s", (runs, label) => {
		expect(runsLabel(runs)).toBe(label);
	});

	it.each([
		// isTest, workspace in the state, the word
		[false, "Acme Inc", "Acme Inc"],
		[true, "Acme Inc", "yes"],
		[false, undefined, "yes"],
	])("asks a %s key with workspace %s to type %s", (isTest, workspace, word) => {
		expect(confirmationWord(isTest, workspace)).toBe(word);
	});

	it.each([
		["Acme Inc", true],
		["  Acme Inc ", true],
		["acme inc", false],
		["Acme", false],
		["", false],
	])("takes %j for Acme Inc: %s", (typed, ok) => {
		expect(isConfirmed(typed, "Acme Inc")).toBe(ok);
	});
});

describe("how a stopped session says it resumes", () => {
	it("sends an undo back to the undo command, naming a checkpoint that is not beside the file", () => {
		const beside = interruptedResult({
			kind: "undo",
			checkpointPath: "/d/customers.csv.checkpoint.json",
			customersFile: "/d/customers.csv",
			isFixed: false,
		});
		expect(beside).toEqual({
			code: 3,
			message:
				"Stopped. Progress is saved in /d/customers.csv.checkpoint.json.\nRun pivotal-tui undo /d/customers.csv to finish the undo where it left off.",
		});
		const named = interruptedResult({
			kind: "undo",
			checkpointPath: "/s/state.json",
			customersFile: "/d/customers.csv",
			isFixed: true,
		});
		expect(named.message).toContain("pivotal-tui undo /d/customers.csv --checkpoint /s/state.json");
	});

	it("sends an import back to the wizard in its folder, or to the same command", () => {
		const stopped = {
			kind: "import",
			checkpointPath: "/d/customers.csv.checkpoint.json",
			customersFile: "/d/customers.csv",
		} as const;
		expect(interruptedResult({ ...stopped, isFixed: false }).message).toContain(
			"Run pivotal-tui in /d again",
		);
		expect(interruptedResult({ ...stopped, isFixed: true }).message).toContain("Run the same command again");
	});

	it("writes the results beside the customers file", () => {
		expect(resultsPathFor("/d/customers.csv")).toBe("/d/customers.results.csv");
	});
});
