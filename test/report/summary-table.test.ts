/**
 * The headless summary's table (adversarial finding N11): a first import's fits 80 columns, as
 * the README shows it; a sync's adds its updated and unchanged columns.
 */
import { describe, expect, it } from "vitest";
import type { ImportSummary, PassSummary } from "../../src/core/run-types.js";
import { summaryText } from "../../src/report/summary-text.js";

const pass = (counts: Partial<PassSummary>): PassSummary => ({
	total: 0,
	created: 0,
	existed: 0,
	updated: 0,
	unchanged: 0,
	deleted: 0,
	restored: 0,
	failed: 0,
	blocked: 0,
	pending: 0,
	gone: 0,
	checkpointDone: 0,
	notInFiles: 0,
	...counts,
});

function summaryOf(customers: Partial<PassSummary>): ImportSummary {
	return {
		outcome: "completed",
		runId: "r1",
		run: 1,
		checkpointPath: "c.csv.checkpoint.json",
		passes: {
			customers: pass(customers),
			contacts: pass({ total: 600, created: 600, checkpointDone: 600 }),
			onboardings: pass({}),
		},
		failuresByCode: {},
		requests: 900,
		rateLimited: 0,
		retries: 0,
		elapsedMs: 6_000,
	};
}

describe("the headless summary's table", () => {
	it("a first import's fits 80 columns: no updated or unchanged columns", () => {
		const lines = summaryText(summaryOf({ total: 300, created: 300, checkpointDone: 300 })).split("\n");
		const table = lines.filter((line) => /^ {2}(pass|customers|contacts) /.test(line));
		expect(table[0]).toBe("  pass          source  checkpoint  created  existed  failed  blocked  pending");
		expect(table[1]).toBe("  customers        300         300      300        0       0        0        0");
		for (const line of table) expect(line.length).toBeLessThanOrEqual(80);
	});

	it("a sync's shows what it updated and found unchanged, and fits 80 columns when it adopted, blocked and left pending nothing", () => {
		const lines = summaryText(
			summaryOf({ total: 300, updated: 2, unchanged: 298, checkpointDone: 300 }),
		).split("\n");
		const table = lines.filter((line) => /^ {2}(pass|customers|contacts) /.test(line));
		expect(table[0]).toBe("  pass          source  checkpoint  created  updated  unchanged  failed");
		expect(table[1]).toBe("  customers        300         300        0        2        298       0");
		for (const line of table) expect(line.length).toBeLessThanOrEqual(80);
	});

	it("a sync's keeps the columns of what some pass adopted, blocked or left pending", () => {
		const text = summaryText(
			summaryOf({ total: 300, existed: 1, updated: 2, unchanged: 296, blocked: 1, checkpointDone: 299 }),
		);
		expect(text).toContain(
			"  pass          source  checkpoint  created  existed  updated  unchanged  failed  blocked\n",
		);
		expect(text).toMatch(/customers\s+300\s+299\s+0\s+1\s+2\s+296\s+0\s+1\n/);
	});

	it("a run stopped before its state was read shows no checkpoint column (finding V9)", () => {
		const text = summaryText({ ...summaryOf({ total: 300, checkpointDone: 0, pending: 300 }), runId: "" });
		expect(text).toContain("Import (not started)");
		expect(text).toContain("  pass          source  created  existed  failed  blocked  pending");
		expect(text).not.toContain("checkpoint  ");
	});

	it("the headline counts failed and blocked records, not records not imported (finding X3)", () => {
		expect(summaryText(summaryOf({ total: 300, updated: 298, failed: 2, checkpointDone: 298 }))).toContain(
			"finished, 2 records failed",
		);
		const blocked = summaryText(summaryOf({ total: 300, created: 299, failed: 1, blocked: 3 }));
		expect(blocked).toContain("finished, 1 record failed, 3 blocked (their customer is not in Pivotal)");
		expect(blocked).not.toContain("not imported");
	});
});
