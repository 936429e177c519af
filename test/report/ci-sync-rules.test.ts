import { describe, expect, it } from "vitest";
import type { PassPlan, SyncPlan } from "../../src/core/plan/make-plan.js";
import type { FailureDetail, ImportSummary, PassSummary } from "../../src/core/run-types.js";
import { notifyPayload } from "../../src/report/notify.js";
import type { RunReport } from "../../src/report/run-report.js";
import { summaryMarkdown } from "../../src/report/summary-md.js";

const ops = { create: 0, match: 0, update: 0, unchanged: 0, blocked: 0, kept: 0, skipped: 0 };
const passPlan = (over: Partial<PassPlan> = {}): PassPlan => ({
	rows: 0,
	ops,
	fields: {},
	examples: [],
	automations: [],
	automationCount: 0,
	notInFiles: 0,
	gone: 0,
	...over,
});

const plan: SyncPlan = {
	requests: 4,
	isFirstSync: false,
	rules: { deleteMissing: true, empty: "clear", only: "update" },
	passes: {
		customers: passPlan({
			rows: 5,
			ops: { ...ops, update: 1, unchanged: 2, skipped: 2 },
			examples: [
				{
					key: "c-1",
					line: 2,
					changes: [{ field: "domain", before: "c1.example", after: null, isCleared: true }],
				},
			],
			notInPivotal: 2,
			emptied: 1,
			deletes: [{ pass: "customers", key: "c-9", copy: { id: "cus_9", outcome: "created" } }],
			deleteCount: 2,
		}),
		contacts: passPlan({
			deletes: [
				{
					pass: "contacts",
					key: "c-9/a|b@x.test",
					copy: { id: "con_1", outcome: "created" },
					parentKey: "c-9",
				},
			],
			deleteCount: 1,
		}),
		onboardings: passPlan(),
	},
};

const pass = (over: Partial<PassSummary> = {}): PassSummary => ({
	total: 0,
	created: 0,
	existed: 0,
	updated: 0,
	unchanged: 0,
	deleted: 0,
	restored: 0,
	failed: 0,
	blocked: 0,
	gone: 0,
	pending: 0,
	checkpointDone: 0,
	notInFiles: 0,
	...over,
});

const summary: ImportSummary = {
	outcome: "completed",
	runId: "r1",
	run: 3,
	checkpointPath: "c.json",
	passes: {
		customers: pass({ total: 5, updated: 1, deleted: 2, skipped: 1 }),
		contacts: pass({ deleted: 1 }),
		onboardings: pass(),
	},
	failuresByCode: {},
	requests: 4,
	rateLimited: 0,
	retries: 0,
	elapsedMs: 10,
};

const note = (key: string, code: string): FailureDetail => ({
	pass: "customers",
	key,
	line: 3,
	status: null,
	code,
	message: "m",
	attempts: 0,
	columns: {},
});

describe("CI reports of a dry run under sync rules", () => {
	const report: RunReport = { command: "import", inputs: [], dryRun: true, plan };

	it("the Markdown counts skipped rows and deletes, lists the deletes children first and marks a cleared field", () => {
		const markdown = summaryMarkdown(report, 5);
		expect(markdown).toContain("| skipped | delete |");
		expect(markdown).toContain("| customers | 5 | 0 | 0 | 1 | 2 | 0 | 0 | 2 | 2 |");
		// A pass with no rows but deletes still has its row.
		expect(markdown).toContain("| contacts | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |");
		expect(markdown).toContain("| customers | 2 | 2 | 1 | 0 |");
		const deletes = markdown.slice(markdown.indexOf("#### To delete"));
		expect(deletes.indexOf("contacts c-9/a\\|b@x.test")).toBeGreaterThan(0);
		expect(deletes.indexOf("contacts c-9")).toBeLessThan(deletes.indexOf("customers c-9"));
		expect(deletes).toContain("| customers: …and 1 more | |");
		expect(markdown).toContain("| domain | c1.example | *(cleared)* |");
	});

	it("the notification carries what would be deleted, left out and cleared", () => {
		const payload = notifyPayload(report, 5);
		expect(payload.syncRules).toMatchObject({
			kind: "plan",
			totals: { toDelete: 3, notInPivotal: 2, cleared: 1, reads: 0 },
		});
		expect(payload.text).toContain("sync rules: 3 to delete, 2 not in Pivotal, 1 with fields to clear");
	});
});

describe("CI reports of a run under sync rules", () => {
	const report: RunReport = {
		command: "import",
		inputs: [],
		summary,
		failures: [
			note("c-4", "not_in_pivotal"),
			note("c-2", "edited_in_pivotal"),
			note("c-2", "edited_in_pivotal"),
		],
	};

	it("the Markdown has deleted, not_in_pivotal and kept-field counts per pass", () => {
		const markdown = summaryMarkdown(report, 0);
		// Notes, not failures: no "Failures by code" line for them, no "no answer" (finding Y8).
		const noted = summaryMarkdown(
			{ ...report, summary: { ...summary, failuresByCode: { not_in_pivotal: 1, edited_in_pivotal: 2 } } },
			0,
		);
		expect(noted).not.toContain("Failures by code");
		expect(noted).not.toContain("no answer");
		expect(markdown).toContain("| pass | deleted | not_in_pivotal | fields kept (edited_in_pivotal) |");
		expect(markdown).toContain("| customers | 2 | 1 | 1 |");
		expect(markdown).toContain("| contacts | 1 | 0 | 0 |");
	});

	it("the notification counts them, and says them in its text", () => {
		const payload = notifyPayload(report, 0);
		expect(payload.syncRules?.totals).toEqual({ deleted: 3, notInPivotal: 1, editedInPivotal: 1 });
		expect(payload.text).toContain("sync rules: 3 deleted, 1 not in Pivotal, 1 with fields kept");
	});

	it("says nothing of sync rules when none did anything", () => {
		const plain: RunReport = {
			command: "import",
			inputs: [],
			summary: { ...summary, passes: { ...summary.passes, customers: pass({ total: 5 }), contacts: pass() } },
		};
		expect(summaryMarkdown(plain, 0)).not.toContain("Sync rules");
		expect(notifyPayload(plain, 0).syncRules).toBeNull();
	});
});
