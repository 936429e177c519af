import { describe, expect, it } from "vitest";
import type { SyncPlan } from "../../src/core/plan/make-plan.js";
import type { ImportSummary, PassSummary } from "../../src/core/run-types.js";
import { notifyPayload } from "../../src/report/notify.js";
import type { RunReport } from "../../src/report/run-report.js";
import { summaryMarkdown } from "../../src/report/summary-md.js";

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
	run: 2,
	checkpointPath: "c.json",
	passes: {
		customers: pass({ total: 3, created: 1, updated: 1, failed: 1 }),
		contacts: pass(),
		onboardings: pass(),
	},
	failuresByCode: { "odd|code": 1 },
	requests: 3,
	rateLimited: 0,
	retries: 0,
	elapsedMs: 10,
};

const failure = {
	pass: "customers" as const,
	key: "k|1",
	line: 4,
	status: 422,
	code: "odd|code",
	message: "bad\u0007 <script>",
	attempts: 1,
	columns: {},
};

const ops = { create: 0, match: 0, update: 1, unchanged: 2, blocked: 0, kept: 0, skipped: 0 };
const plan: SyncPlan = {
	requests: 1,
	isFirstSync: false,
	passes: {
		customers: {
			rows: 3,
			ops,
			fields: { name: 1 },
			examples: [{ key: "k1", line: 2, changes: [{ field: "name", before: "A | B", after: null }] }],
			automations: [],
			automationCount: 0,
			notInFiles: 0,
			gone: 0,
		},
		contacts: {
			rows: 0,
			ops: { ...ops, update: 0, unchanged: 0 },
			fields: {},
			examples: [],
			automations: [],
			automationCount: 0,
			notInFiles: 0,
			gone: 0,
		},
		onboardings: {
			rows: 0,
			ops: { ...ops, update: 0, unchanged: 0 },
			fields: {},
			examples: [],
			automations: [],
			automationCount: 0,
			notInFiles: 0,
			gone: 0,
		},
	},
};

describe("the CI reports", () => {
	it("a run's Markdown: one table row per pass with records, failures escaped cell by cell", () => {
		const report: RunReport = {
			command: "import",
			inputs: [],
			host: "h",
			workspace: "<!channel> Ops",
			summary,
			failures: [failure],
		};
		const markdown = summaryMarkdown(report, 1);
		expect(markdown).toContain("### pivotal-tui Import: \\<\\!channel\\> Ops · h");
		expect(markdown).toContain("| customers | 3 | 1 | 0 | 1 | 0 | 1 | 0 | 0 |");
		expect(markdown).not.toContain("| contacts |");
		expect(markdown).toContain(
			"| odd\\|code | 1 | customers k\\|1 \\(line 4\\): 422 bad\\\\u0007 \\<script\\> |",
		);
	});

	it("a dry run's Markdown and notification: planned, the counts and the first changes", () => {
		const report: RunReport = { command: "import", inputs: [], dryRun: true, plan };
		const markdown = summaryMarkdown(report, 0);
		expect(markdown).toContain("**Outcome:** planned (exit 0)");
		expect(markdown).toContain("| customers | 3 | 0 | 0 | 1 | 2 | 0 | 0 |");
		expect(markdown).toContain("| customers k1 \\(line 2\\) | name | A \\| B | *(empty)* |");
		expect(notifyPayload(report, 5)).toMatchObject({
			outcome: "plan-has-changes",
			dryRun: true,
			requests: 1,
		});
	});

	it("the notification's text says blocked and pending records when a pass has some (finding Y11)", () => {
		const blocked: RunReport = {
			command: "import",
			inputs: [],
			summary: {
				...summary,
				passes: { ...summary.passes, customers: { ...summary.passes.customers, blocked: 2, pending: 1 } },
			},
		};
		expect(notifyPayload(blocked, 1).text).toContain(
			"customers: 1 created, 1 updated, 1 failed, 2 blocked, 1 pending",
		);
	});

	it("the notification's text cannot ping a channel or make a link, and names only the host", () => {
		const report: RunReport = {
			command: "apply",
			inputs: [],
			host: "my.pivotal.app",
			workspace: "<!channel>",
			summary,
		};
		const payload = notifyPayload(report, 1);
		expect(payload.text).toBe(
			":warning: pivotal-tui apply *some-failed* (exit 1) — &lt;!channel&gt; · my.pivotal.app\ncustomers: 1 created, 1 updated, 1 failed",
		);
		expect(payload.failuresByCode).toEqual({ "odd|code": 1 });
		expect(payload.counts).toEqual({
			customers: {
				total: 3,
				created: 1,
				existed: 0,
				updated: 1,
				unchanged: 0,
				failed: 1,
				blocked: 0,
				pending: 0,
			},
		});
	});
});
