import { render } from "ink-testing-library";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { FailureDetail, ImportSummary } from "../../src/core/run-types.js";
import { FailuresScreen } from "../../src/ui/screens/FailuresScreen.js";
import { FileStep } from "../../src/ui/screens/FileStep.js";
import { PlanStep } from "../../src/ui/screens/PlanStep.js";
import { RunScreen } from "../../src/ui/screens/RunScreen.js";
import { SummaryScreen } from "../../src/ui/screens/SummaryScreen.js";

const SYNC_ZERO = { updated: 0, unchanged: 0, deleted: 0, restored: 0, gone: 0, notInFiles: 0 };

import { COLOR_SGR, midRunEvents, settle, snapshotOf, T0, waitFor, withTheme } from "./helpers.js";

type Chalk = { level: 0 | 1 | 2 | 3 };
let chalk: Chalk;
beforeAll(async () => {
	chalk = (await import("chalk")).default as Chalk;
});

const noop = () => {};

describe("RunScreen", () => {
	it("shows per-pass counts, headroom, waits with their countdown, and the footer keys", () => {
		const snapshot = snapshotOf(midRunEvents());
		const { lastFrame, unmount } = render(
			withTheme(<RunScreen snapshot={snapshot} now={() => T0 + 2_000} failureCount={1} onAction={noop} />),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toMatch(/✓ customers\s+5\s+3\s+1\s+1\s+0\s+0/);
		expect(frame).toMatch(/▸ contacts\s+10\s+0\s+0\s+0\s+2\s+8/);
		expect(frame).toContain("595/600");
		expect(frame).toContain("429s 1");
		expect(frame).toContain("Retry-After 4s (429)");
		expect(frame).toContain("rate limited (429), Retry-After 4s");
		expect(frame).toContain("595/600 per min?");
		expect(frame).toContain("Rate limited: waiting 5 s");
		expect(frame).toMatch(/p pause\s+f failures\s+\+ more\s+- fewer\s+q quit\s+\? help/);
		unmount();
	});

	it("takes each key of a burst as one action: ++ raises the concurrency twice", async () => {
		const actions: string[] = [];
		const { stdin, unmount } = render(
			withTheme(
				<RunScreen
					snapshot={snapshotOf(midRunEvents())}
					now={() => T0 + 2_000}
					failureCount={0}
					onAction={(action) => actions.push(action)}
				/>,
			),
		);
		await settle();
		stdin.write("++-");
		await waitFor(() => expect(actions).toEqual(["more", "more", "less"]));
		unmount();
	});

	it("says pausing while requests drain, then paused, and the footer offers resume", () => {
		const events = midRunEvents();
		const pausing = snapshotOf([...events, { type: "pause-requested", at: T0 + 1_500 }]);
		const a = render(
			withTheme(<RunScreen snapshot={pausing} now={() => T0 + 2_000} failureCount={0} onAction={noop} />),
		);
		// One on the wire; the other waits out a Retry-After and is not drained.
		expect(a.lastFrame()).toContain("pausing — draining 1 in flight");
		expect(a.lastFrame()).toContain("p resume");
		a.unmount();
		const paused = snapshotOf([
			...events,
			{ type: "pause-requested", at: T0 + 1_500 },
			{ type: "paused", at: T0 + 1_600 },
		]);
		const b = render(
			withTheme(<RunScreen snapshot={paused} now={() => T0 + 2_000} failureCount={0} onAction={noop} />),
		);
		expect(b.lastFrame()).toContain("paused — press p to resume");
		b.unmount();
	});

	it("sends each key's action through onAction and toggles help locally", async () => {
		const actions: string[] = [];
		const snapshot = snapshotOf(midRunEvents());
		const { stdin, lastFrame, unmount } = render(
			withTheme(
				<RunScreen snapshot={snapshot} now={() => T0} failureCount={0} onAction={(a) => actions.push(a)} />,
			),
		);
		await settle();
		for (const key of ["p", "f", "+", "-", "q"]) stdin.write(key);
		await waitFor(() => expect(actions).toEqual(["toggle-pause", "failures", "more", "less", "quit"]));
		await settle();
		stdin.write("?");
		await waitFor(() => expect(lastFrame()).toContain("Stop gracefully"));
		unmount();
	});

	it("uses no colour at all with NO_COLOR, and colour otherwise", () => {
		// Colours only show when chalk thinks the terminal has them; force it so NO_COLOR is really tested.
		const level = chalk.level;
		chalk.level = 3;
		onTestFinished(() => {
			chalk.level = level;
		});
		const snapshot = snapshotOf(midRunEvents());
		const coloured = render(
			withTheme(<RunScreen snapshot={snapshot} now={() => T0} failureCount={1} onAction={noop} />, true),
		);
		expect(coloured.lastFrame()).toMatch(COLOR_SGR);
		coloured.unmount();
		const plain = render(
			withTheme(<RunScreen snapshot={snapshot} now={() => T0} failureCount={1} onAction={noop} />, false),
		);
		expect(plain.lastFrame()).not.toMatch(COLOR_SGR);
		expect(plain.lastFrame()).toContain("595/600");
		plain.unmount();
	});
});

const failure = (over: Partial<FailureDetail>): FailureDetail => ({
	pass: "customers",
	key: "c3",
	line: 4,
	status: 400,
	code: "invalid_domain",
	message: "domain is blocked",
	attempts: 1,
	requestBody: '{"name":"Acme","domain":"acme.test"}',
	response: {
		error: { type: "invalid_request_error", code: "invalid_domain", message: "domain is blocked" },
	},
	columns: { external_id: "c3", name: "Acme" },
	...over,
});

describe("FailuresScreen", () => {
	const failures = [
		failure({}),
		failure({ key: "c9", line: 10 }),
		failure({ pass: "contacts", key: "c1/x@y.test", line: 2, code: "invalid_email", message: "bad email" }),
	];

	/** The failures screen with retry offered, settled, and what its retries asked for. */
	async function retryingFailures() {
		const retried: unknown[] = [];
		const rendered = render(
			withTheme(
				<FailuresScreen
					failures={failures}
					canRetry
					onRetry={(which) => retried.push(which)}
					onExport={noop}
					onBack={noop}
				/>,
			),
		);
		await settle();
		return { ...rendered, retried };
	}

	it("groups by pass and code and shows the request and response of the selected row", async () => {
		const { lastFrame, stdin, unmount } = render(
			withTheme(<FailuresScreen failures={failures} canRetry onRetry={noop} onExport={noop} onBack={noop} />),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain("customers · invalid_domain (2)");
		expect(frame).toContain("contacts · invalid_email (1)");
		expect(frame).toContain('{"name":"Acme","domain":"acme.test"}');
		expect(frame).toContain('"code":"invalid_domain"');
		await settle();
		stdin.write("\u001b[B");
		stdin.write("\u001b[B");
		await waitFor(() => expect(lastFrame()).toContain("contacts c1/x@y.test · line 2"), 2000);
		unmount();
	});

	it("retries the selected row, or all, and exports", async () => {
		const retried: unknown[] = [];
		let exported = 0;
		const { stdin, unmount } = render(
			withTheme(
				<FailuresScreen
					failures={failures}
					canRetry
					onRetry={(which) => retried.push(which)}
					onExport={() => exported++}
					onBack={noop}
				/>,
			),
		);
		await settle();
		stdin.write("r");
		stdin.write("a");
		stdin.write("e");
		await waitFor(() => expect(retried).toEqual([[{ pass: "customers", key: "c3" }], undefined]));
		expect(exported).toBe(1);
		unmount();
	});

	it("keys that arrive together mark and retry the row they moved to (finding Y6)", async () => {
		const { stdin, unmount, retried } = await retryingFailures();
		// ↓ Space ↓ Space r, with no render in between: rows 2 and 3 marked and retried, not row 1.
		for (const key of ["\u001b[B", " ", "\u001b[B", " ", "r"]) stdin.write(key);
		await waitFor(() =>
			expect(retried).toEqual([
				[
					{ pass: "customers", key: "c9" },
					{ pass: "contacts", key: "c1/x@y.test" },
				],
			]),
		);
		unmount();
	});

	it("takes the keys of one read in turn: a mark and a retry typed together, a second r sends nothing more (finding Z11)", async () => {
		const { stdin, unmount, retried } = await retryingFailures();
		// ↓, then " rr" in one read: row 2 marked and retried once.
		stdin.write("\u001b[B");
		stdin.write(" rr");
		await waitFor(() => expect(retried).toEqual([[{ pass: "customers", key: "c9" }]]));
		await settle();
		expect(retried).toHaveLength(1);
		unmount();
	});

	it("does not offer retry while the run is going", () => {
		const { lastFrame, unmount } = render(
			withTheme(
				<FailuresScreen failures={failures} canRetry={false} onRetry={noop} onExport={noop} onBack={noop} />,
			),
		);
		expect(lastFrame()).toContain("Retry becomes available once the run has ended.");
		expect(lastFrame()).not.toContain("retry all");
		unmount();
	});
});

describe("SummaryScreen", () => {
	it("says how many records sent with no answer are no longer in the files, and what resolves them (finding N6)", () => {
		const pass = {
			total: 1,
			created: 1,
			existed: 0,
			failed: 0,
			blocked: 0,
			pending: 0,
			checkpointDone: 1,
			...SYNC_ZERO,
		};
		const summary: ImportSummary = {
			outcome: "completed",
			run: 2,
			runId: "run124",
			checkpointPath: "/data/customers.csv.checkpoint.json",
			passes: {
				customers: { ...pass, unansweredNotInFiles: 1 },
				contacts: { ...pass, unansweredNotInFiles: 1 },
				onboardings: { ...pass, total: 0, created: 0, checkpointDone: 0 },
			},
			failuresByCode: {},
			requests: 2,
			rateLimited: 0,
			retries: 0,
			elapsedMs: 1_000,
		};
		const { lastFrame, unmount } = render(
			withTheme(
				<SummaryScreen
					summary={summary}
					snapshot={snapshotOf(midRunEvents())}
					onFailures={noop}
					onQuit={noop}
				/>,
			),
		);
		const frame = (lastFrame() ?? "").replace(/\s+/g, " ");
		unmount();
		expect(frame).toContain(
			"2 records whose create got no answer in an earlier run are no longer in the files: they may be in Pivotal; put their rows back and run again to have them looked up",
		);
	});

	it("shows totals, checkpoint vs source counts, requests, failures by code and paths", () => {
		const summary: ImportSummary = {
			outcome: "completed",
			run: 1,
			runId: "run123",
			checkpointPath: "/data/customers.csv.checkpoint.json",
			passes: {
				customers: {
					total: 5,
					created: 3,
					existed: 1,
					failed: 1,
					blocked: 0,
					pending: 0,
					checkpointDone: 4,
					...SYNC_ZERO,
				},
				contacts: {
					total: 10,
					created: 8,
					existed: 0,
					failed: 0,
					blocked: 2,
					pending: 0,
					checkpointDone: 8,
					...SYNC_ZERO,
				},
				onboardings: {
					total: 0,
					created: 0,
					existed: 0,
					failed: 0,
					blocked: 0,
					pending: 0,
					checkpointDone: 0,
					...SYNC_ZERO,
				},
			},
			failuresByCode: { invalid_domain: 1 },
			requests: 17,
			rateLimited: 1,
			retries: 2,
			elapsedMs: 65_000,
		};
		const { lastFrame, unmount } = render(
			withTheme(
				<SummaryScreen
					summary={summary}
					snapshot={snapshotOf(midRunEvents())}
					failuresCsvPath="/data/customers.failures.csv"
					onFailures={noop}
					onQuit={noop}
				/>,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain("Finished: 1 failed, 2 blocked");
		expect(frame).toMatch(/customers\s+5\s+3\s+1\s+1\s+0\s+0\s+4\/5/);
		expect(frame).toMatch(/contacts\s+10\s+8\s+0\s+0\s+2\s+0\s+8\/10/);
		expect(frame).toContain("requests 17 · 429s 1 · retries 2 · time 1m 05s");
		expect(frame).toContain("invalid_domain 1");
		expect(frame).toContain("checkpoint /data/customers.csv.checkpoint.json");
		expect(frame).toContain("failures CSV /data/customers.failures.csv");
		unmount();
	});
});

describe("PlanStep", () => {
	const keyInfo = {
		fingerprint: "sha256:0",
		masked: "pivotal_…a1b2",
		workspace: "Acme",
		keyName: "bulk",
		tier: "standard",
		isTest: false,
		limit: 60,
		remaining: 59,
	};

	it("lists invalid rows as file:line and refuses to start", async () => {
		let started = false;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<PlanStep
					files={{ customers: "/d/customers.csv" }}
					check={{
						kind: "checked",
						check: {
							counts: { customers: 120, contacts: 0, onboardings: 0 },
							fingerprints: { customers: "x", contacts: undefined, onboardings: undefined },
							problemCount: 2,
							problems: [
								"customers.csv:14:2: name is empty.",
								"customers.csv:20: external_id repeats line 3.",
							],
						},
					}}
					keyInfo={keyInfo}
					concurrency={4}
					isResume={false}
					isFresh={false}
					onConfirm={() => {
						started = true;
					}}
					onBack={noop}
					onQuit={noop}
				/>,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain("2 invalid rows");
		expect(frame).toContain("customers.csv:14:2: name is empty.");
		expect(frame).toContain("customers.csv:20: external_id repeats line 3.");
		expect(frame).not.toContain("Enter start");
		await settle();
		stdin.write("\r");
		await settle();
		expect(started).toBe(false);
		unmount();
	});

	it("estimates requests and time at the key's limit and adjusts concurrency", async () => {
		let chosen = 0;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<PlanStep
					files={{ customers: "/d/customers.csv", contacts: "/d/contacts.csv" }}
					check={{
						kind: "checked",
						check: {
							counts: { customers: 100, contacts: 200, onboardings: 0 },
							fingerprints: { customers: "x", contacts: "y", onboardings: undefined },
							problemCount: 0,
							problems: [],
						},
					}}
					keyInfo={keyInfo}
					concurrency={4}
					isResume={false}
					isFresh={false}
					onConfirm={(c) => {
						chosen = c;
					}}
					onBack={noop}
					onQuit={noop}
				/>,
			),
		);
		expect(lastFrame()).toContain("requests ≈ 300 · at 60/min ≈ 4m 04s");
		await settle();
		stdin.write("+");
		stdin.write("+");
		await waitFor(() => expect(lastFrame()).toContain("concurrency 6"));
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(chosen).toBe(6));
		unmount();
	});
});

describe("FileStep", () => {
	it('fits its key line in 80 columns (it wrapped "quit" onto a line of its own)', () => {
		const { lastFrame, unmount } = render(
			withTheme(
				<FileStep pass="customers" folder="/d" names={["a.csv"]} isOptional={false} onChoose={noop} />,
			),
		);
		const keys = (lastFrame() ?? "").split("\n").find((line) => line.includes("Ctrl+C")) ?? "";
		unmount();
		expect(keys).toMatch(/Ctrl\+C quit$/);
		expect(keys.length).toBeLessThanOrEqual(80);
	});

	it("filters as you type and chooses the highlighted file, or a typed path", async () => {
		const chosen: (string | undefined)[] = [];
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<FileStep
					pass="customers"
					folder="/d"
					names={["accounts.csv", "customers.csv", "customers-2024.csv"]}
					isOptional={false}
					onChoose={(c) => chosen.push(c)}
				/>,
			),
		);
		expect(lastFrame()).toContain("accounts.csv");
		await settle();
		stdin.write("2024");
		await waitFor(() => expect(lastFrame()).not.toContain("accounts.csv"));
		expect(lastFrame()).toContain("❯ customers-2024.csv");
		// The handler that holds the filtered list registers after the frame is drawn.
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(chosen).toEqual(["customers-2024.csv"]));
		for (let i = 0; i < 4; i++) stdin.write("\u007f");
		stdin.write("/elsewhere/x.csv");
		await waitFor(() => expect(lastFrame()).toContain("use /elsewhere/x.csv"));
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(chosen).toEqual(["customers-2024.csv", "/elsewhere/x.csv"]));
		unmount();
	});
});
