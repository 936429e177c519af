import { Box } from "ink";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import type { ImportSummary, PassSummary } from "../../src/core/run-types.js";
import { FailuresScreen } from "../../src/ui/screens/FailuresScreen.js";
import { PlanStep } from "../../src/ui/screens/PlanStep.js";
import { SummaryScreen } from "../../src/ui/screens/SummaryScreen.js";
import { UndoStep } from "../../src/ui/screens/UndoStep.js";
import { midRunEvents, settle, snapshotOf, waitFor, withTheme } from "./helpers.js";
import { syncPlan, undoPlan } from "./plan-fixtures.js";

const noop = () => {};

const keyInfo = {
	fingerprint: "sha256:0",
	masked: "pivotal_…a1b2",
	workspace: "Acme Inc",
	keyName: "bulk",
	tier: "standard",
	isTest: false,
	limit: 60,
	remaining: 59,
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

const summaryOf = (
	passes: Partial<ImportSummary["passes"]>,
	over: Partial<ImportSummary> = {},
): ImportSummary => ({
	outcome: "completed",
	run: 1,
	runId: "run123",
	checkpointPath: "/d/customers.csv.checkpoint.json",
	passes: { customers: pass(), contacts: pass(), onboardings: pass(), ...passes },
	failuresByCode: {},
	requests: 12,
	rateLimited: 0,
	retries: 0,
	elapsedMs: 4_000,
	...over,
});

const lines = (frame: string | undefined) => (frame ?? "").split("\n");

describe("PlanStep with a sync plan", () => {
	const formats = {
		customers: '","-delimited, UTF-8',
		contacts: '","-delimited, UTF-8',
		onboardings: '","-delimited, UTF-8',
	};

	it("shows per pass what changes, the first field changes and the automation warning, within 80×24", async () => {
		let chosen = 0;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<Box width={80}>
					<PlanStep
						files={{
							customers: "/d/customers.csv",
							contacts: "/d/contacts.csv",
							onboardings: "/d/onboardings.csv",
						}}
						check={{
							kind: "checked",
							check: {
								counts: { customers: 121, contacts: 243, onboardings: 117 },
								fingerprints: { customers: "a", contacts: "b", onboardings: "c" },
								problemCount: 0,
								problems: [],
								formats,
							},
							plan: syncPlan(),
						}}
						keyInfo={keyInfo}
						concurrency={4}
						isResume
						isFresh={false}
						onConfirm={(c) => {
							chosen = c;
						}}
						onBack={noop}
						onQuit={noop}
					/>
				</Box>,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain("pass          rows create update unchanged blocked failed gone not in files");
		expect(frame).toMatch(/customers\s+121\s+1\s+2\s+115\s+0\s+2\s+1\s+1\n/);
		expect(frame).toMatch(/contacts\s+243\s+1\s+1\s+236\s+5\s+0\s+0\s+0\n/);
		expect(frame).toMatch(/onboardings\s+117\s+0\s+1\s+115\s+1\s+0\s+0\s+0\n/);
		expect(frame).toContain('customers crm-1003 · name "Acme" → "Acme Corporation"');
		expect(frame).toContain('contacts crm-1004/ann@acme.test · title "CTO" → "CEO"');
		expect(frame).toContain("⚠ 1 onboarding enters launch or completed: Pivotal fires its automations.");
		// The plan's requests, not one per row; the plan already leaves out what is done.
		expect(frame).toContain("requests ≈ 7 · at 60/min ≈ 1s");
		expect(frame).not.toContain("at most");
		// Under Ink's full-screen height at 24 rows, and nothing cut: each line fits 80 columns.
		expect(lines(frame).length).toBeLessThanOrEqual(23);
		for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(80);
		// Nothing cut short (the masked key in the subtitle has its own ellipsis).
		expect(lines(frame).slice(2).join("\n")).not.toContain("…");
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(chosen).toBe(4));
		unmount();
	});

	it("says when nothing is to be sent", () => {
		const plan = syncPlan();
		const { lastFrame, unmount } = render(
			withTheme(
				<PlanStep
					files={{ customers: "/d/customers.csv" }}
					check={{
						kind: "checked",
						check: {
							counts: { customers: 121, contacts: 0, onboardings: 0 },
							fingerprints: { customers: "a", contacts: undefined, onboardings: undefined },
							problemCount: 0,
							problems: [],
						},
						plan: { ...plan, requests: 0 },
					}}
					keyInfo={keyInfo}
					concurrency={4}
					isResume={false}
					isFresh={false}
					onConfirm={noop}
					onBack={noop}
					onQuit={noop}
				/>,
			),
		);
		// Not "every record is as the files have it": this plan holds a record deleted in Pivotal and failed ones.
		const frame = (lastFrame() ?? "").replace(/\s+/g, " ");
		expect(frame).toContain("requests ≈ 0 · at 60/min ≈ 0s · nothing to send: 1 deleted in Pivotal");
		expect(frame).toContain("import --recreate");
		expect(frame).not.toContain("every record is as the files have it");
		unmount();
	});
});

describe("SummaryScreen's results and undo", () => {
	const imported = summaryOf({
		customers: pass({ total: 5, created: 4, existed: 1, checkpointDone: 5 }),
		contacts: pass({ total: 5, created: 5, checkpointDone: 5 }),
	});

	it("writes the results CSV on r, offers undo on u, and shows the path written", async () => {
		let results = 0;
		let undos = 0;
		const { lastFrame, stdin, rerender, unmount } = render(
			withTheme(
				<SummaryScreen
					summary={imported}
					snapshot={snapshotOf(midRunEvents())}
					onFailures={noop}
					onResults={() => results++}
					onUndo={() => undos++}
					onQuit={noop}
				/>,
			),
		);
		expect(lastFrame()).toMatch(/r results CSV\s+u undo\s+q quit/);
		expect(lastFrame()).not.toContain("Test keys");
		await settle();
		stdin.write("r");
		stdin.write("u");
		await waitFor(() => expect([results, undos]).toEqual([1, 1]));
		rerender(
			withTheme(
				<SummaryScreen
					summary={imported}
					snapshot={snapshotOf(midRunEvents())}
					resultsCsvPath="/d/customers.results.csv"
					onFailures={noop}
					onResults={noop}
					onUndo={noop}
					onQuit={noop}
				/>,
			),
		);
		expect(lastFrame()).toContain("results CSV /d/customers.results.csv");
		unmount();
	});

	it("keeps a space between columns when a count is wide (a sync of thousands)", () => {
		const wide = summaryOf({
			customers: pass({ total: 1501, updated: 1, unchanged: 1489, checkpointDone: 1501, pending: 11 }),
			contacts: pass({ total: 12_000, unchanged: 12_000, checkpointDone: 12_000 }),
		});
		const { lastFrame, unmount } = render(
			withTheme(
				<SummaryScreen
					summary={wide}
					snapshot={snapshotOf(midRunEvents())}
					onFailures={noop}
					onResults={noop}
					onUndo={noop}
					onQuit={noop}
				/>,
			),
		);
		const frame = lastFrame() ?? "";
		const row = (name: string) => frame.split("\n").find((line) => line.trimStart().startsWith(name)) ?? "";
		// Within 80 columns, each cell whole and apart from its neighbours: no "…", no two numbers run together.
		for (const name of ["pass", "customers", "contacts"]) expect(row(name).length).toBeLessThanOrEqual(80);
		expect(row("customers").trim().split(/\s+/)).toEqual([
			"customers",
			"1,501",
			"0",
			"1",
			"1,489",
			"0",
			"0",
			"11",
			"1,501/1,501",
		]);
		expect(row("contacts").trim().split(/\s+/)).toEqual([
			"contacts",
			"12,000",
			"0",
			"0",
			"12,000",
			"0",
			"0",
			"0",
			"12,000/12,000",
		]);
		unmount();
	});

	it("after a test key's run, says its records are live in the workspace and offers undo first", () => {
		const { lastFrame, unmount } = render(
			withTheme(
				<SummaryScreen
					summary={imported}
					snapshot={snapshotOf(midRunEvents())}
					testWorkspace="Acme Inc"
					onFailures={noop}
					onResults={noop}
					onUndo={noop}
					onQuit={noop}
				/>,
			),
		);
		expect(lastFrame()).toContain(
			"Test keys write to the real workspace: these 9 records are live in Acme Inc. u takes them back.",
		);
		expect(lastFrame()).toMatch(/u undo\s+r results CSV\s+q quit/);
		unmount();
	});

	it("does not offer undo after a stopped run", async () => {
		let undos = 0;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<SummaryScreen
					summary={{ ...imported, outcome: "circuit-open", message: "25 failed in a row" }}
					snapshot={snapshotOf(midRunEvents())}
					testWorkspace="Acme Inc"
					onFailures={noop}
					onUndo={() => undos++}
					onQuit={noop}
				/>,
			),
		);
		expect(lastFrame()).not.toContain("u undo");
		expect(lastFrame()).not.toContain("Test keys");
		await settle();
		stdin.write("u");
		await settle();
		expect(undos).toBe(0);
		unmount();
	});

	it("shows a sync's updated and same columns", () => {
		const { lastFrame, unmount } = render(
			withTheme(
				<SummaryScreen
					summary={summaryOf(
						{
							customers: pass({
								total: 121,
								created: 1,
								updated: 2,
								unchanged: 117,
								existed: 1,
								checkpointDone: 121,
							}),
						},
						{ run: 2, requests: 17 },
					)}
					snapshot={snapshotOf(midRunEvents())}
					onFailures={noop}
					onQuit={noop}
				/>,
			),
		);
		expect(lastFrame()).toMatch(
			/pass\s+total\s+created\s+updated\s+same\s+failed\s+blocked\s+pending\s+in ckpt/,
		);
		expect(lastFrame()).toMatch(/customers\s+121\s+1\s+2\s+118\s+0\s+0\s+0\s+121\/121/);
		// A sync counts its own requests (the snapshot's 5), the import's over every run beside.
		expect(lastFrame()).toContain("requests 5 · 429s 1 · retries 1 · time 4s · 17 in all 2 runs");
		unmount();
	});

	it("sums up an undo: deleted, restored, failed, and the fields kept because they were edited in Pivotal", () => {
		const { lastFrame, unmount } = render(
			withTheme(
				<SummaryScreen
					kind="undo"
					summary={summaryOf({
						customers: pass({ total: 6, deleted: 4, restored: 1, unchanged: 1 }),
						contacts: pass({ total: 5, deleted: 4, failed: 1 }),
					})}
					failuresByCode={{ edited_in_pivotal: 1, server_error: 1 }}
					snapshot={snapshotOf(midRunEvents())}
					onFailures={noop}
					onResults={noop}
					onUndo={noop}
					onQuit={noop}
				/>,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain("Undo summary");
		expect(frame).toContain("Finished: 1 could not be taken back. Review them with f.");
		// A record whose every field was edited in Pivotal since is left as it is: "kept", not restored.
		expect(frame).toMatch(/pass\s+to undo\s+deleted\s+restored\s+kept\s+failed\s+pending/);
		expect(frame).toMatch(/customers\s+6\s+4\s+1\s+1\s+0\s+0/);
		expect(frame).toMatch(/contacts\s+5\s+4\s+0\s+0\s+1\s+0/);
		expect(frame).toContain("failures by code: server_error 1");
		// This undo's requests (the snapshot's), not the import's and the undo's together.
		expect(frame).toContain("requests 5 · 429s 1 · retries 1 · time 4s");
		expect(frame).toContain("1 record kept fields edited in Pivotal since the import (f lists them)");
		// An undo is not undone.
		expect(frame).not.toContain("u undo");
		unmount();
	});
});

describe("UndoStep", () => {
	const preview = { plan: undoPlan(), workspace: "Acme Inc" };

	it("says which later runs it passes over because they changed nothing (finding X8)", () => {
		const frame = (lastRun: number) => {
			const shown = render(
				withTheme(
					<Box width={100}>
						<UndoStep
							check={{ kind: "checked", preview: { ...preview, lastRun } }}
							keyInfo={keyInfo}
							concurrency={4}
							onConfirm={noop}
							onBack={noop}
						/>
					</Box>,
				),
			);
			const text = shown.lastFrame() ?? "";
			shown.unmount();
			return text;
		};
		expect(frame(4)).toContain(
			"(The import ran 2 times since: runs 3–4, which left nothing to take back now.)",
		);
		expect(frame(2)).not.toContain("The import ran");
	});

	it("shows what goes and what is put back, refuses a wrong workspace name and starts on the right one", async () => {
		let confirmed = 0;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<Box width={80}>
					<UndoStep
						check={{ kind: "checked", preview }}
						keyInfo={keyInfo}
						concurrency={4}
						onConfirm={() => confirmed++}
						onBack={noop}
					/>
				</Box>,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain("Undo of run 2 in the workspace Acme Inc:");
		expect(frame).toMatch(/onboardings\s+2\s+0\n/);
		expect(frame).toMatch(/customers\s+2\s+1\n/);
		expect(frame).toContain("fields put back: customers.name 1, customers.metadata.region 1");
		expect(frame).toContain(
			"⚠ Deleting 2 customers: contacts or onboardings others added\n  under them drop out of Pivotal's lists with them.",
		);
		expect(frame).toContain("requests ≤ 8");
		expect(frame).toContain("Type the workspace name, Acme Inc, to undo:");
		for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(80);
		await settle();
		stdin.write("acme inc");
		await waitFor(() => expect(lastFrame()).toContain("› acme inc"));
		// The frame shows the text before the input handler holds it: let it catch up.
		await settle(200);
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("That is not the workspace name; nothing was sent."));
		expect(confirmed).toBe(0);
		for (let i = 0; i < "acme inc".length; i++) stdin.write("\u007f");
		await waitFor(() => expect(lastFrame()).not.toContain("That is not"));
		stdin.write("Acme Inc");
		await waitFor(() => expect(lastFrame()).toContain("› Acme Inc"));
		// The frame shows the text before the input handler holds it: let it catch up.
		await settle(200);
		// Two Enters in one go start the undo once (finding Z10).
		stdin.write("\r");
		stdin.write("\r");
		await waitFor(() => expect(confirmed).toBe(1));
		await settle(100);
		expect(confirmed).toBe(1);
		unmount();
	});

	it("asks a test key for a plain yes, and Esc goes back", async () => {
		let confirmed = 0;
		let back = 0;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<UndoStep
					check={{ kind: "checked", preview }}
					keyInfo={{ ...keyInfo, isTest: true }}
					concurrency={4}
					onConfirm={() => confirmed++}
					onBack={() => back++}
				/>,
			),
		);
		expect(lastFrame()).toContain("Type yes to undo:");
		await settle();
		stdin.write("Acme Inc");
		await waitFor(() => expect(lastFrame()).toContain("› Acme Inc"));
		// The frame shows the text before the input handler holds it: let it catch up.
		await settle(200);
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("That is not yes; nothing was sent."));
		for (let i = 0; i < "Acme Inc".length; i++) stdin.write("\u007f");
		stdin.write("yes");
		await waitFor(() => expect(lastFrame()).toContain("› yes"));
		// The frame shows the text before the input handler holds it: let it catch up.
		await settle(200);
		stdin.write("\r");
		await waitFor(() => expect(confirmed).toBe(1));
		stdin.write("\u001b");
		await waitFor(() => expect(back).toBe(1));
		unmount();
	});

	it("says when there is nothing to undo and offers only Esc", () => {
		const plan = undoPlan();
		const empty = {
			...plan,
			runs: [],
			operations: { customers: [], contacts: [], onboardings: [] },
			counts: {
				customers: { delete: 0, restore: 0 },
				contacts: { delete: 0, restore: 0 },
				onboardings: { delete: 0, restore: 0 },
			},
		};
		const { lastFrame, unmount } = render(
			withTheme(
				<UndoStep
					check={{ kind: "checked", preview: { plan: empty } }}
					keyInfo={keyInfo}
					concurrency={4}
					onConfirm={noop}
					onBack={noop}
				/>,
			),
		);
		expect(lastFrame()).toContain("Nothing to undo");
		expect(lastFrame()).not.toContain("Enter undo");
		expect(lastFrame()).toContain("Esc back");
		unmount();
	});
});

describe("FailuresScreen after an undo", () => {
	it("shows a field kept because it was edited in Pivotal as kept, not as a failed request", () => {
		const { lastFrame, unmount } = render(
			withTheme(
				<FailuresScreen
					failures={[
						{
							pass: "customers",
							key: "crm-1005",
							line: 0,
							status: null,
							code: "edited_in_pivotal",
							message: "name changed in Pivotal after the import; kept as it is, not put back.",
							attempts: 0,
							columns: {},
						},
					]}
					canRetry
					onRetry={noop}
					onExport={noop}
					onBack={noop}
				/>,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain("customers · edited_in_pivotal (1)");
		expect(frame).toContain("customers crm-1005 · kept: edited_in_pivotal");
		expect(frame).toContain("Pivotal keeps its value; the record's other fields were written.");
		expect(frame).not.toContain("no answer");
		expect(frame).not.toContain("request");
		unmount();
	});
});
