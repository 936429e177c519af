import { Box } from "ink";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { createMemorySettings } from "../../src/config/settings.js";
import type { SyncRules } from "../../src/core/plan/sync-rules.js";
import { ruleForKey, ruleToggles, toggleNote, toggleRule } from "../../src/ui/model/rule-toggles.js";
import { codeLines, syncRulesLine } from "../../src/ui/model/summary-view.js";
import { initialWizard, wizardReducer } from "../../src/ui/model/wizard-state.js";
import { FailuresScreen } from "../../src/ui/screens/FailuresScreen.js";
import { PlanStep } from "../../src/ui/screens/PlanStep.js";
import { settle, waitFor, withTheme } from "./helpers.js";
import { passPlan, syncPlan } from "./plan-fixtures.js";

const noop = () => {};

describe("toggleRule", () => {
	const rows: readonly { name: string; from: SyncRules; key: string; to: SyncRules }[] = [
		{ name: "u turns update only on", from: {}, key: "u", to: { only: "update" } },
		{ name: "u again turns it off", from: { only: "update" }, key: "u", to: {} },
		{ name: "c replaces update only", from: { only: "update" }, key: "c", to: { only: "create" } },
		{
			name: "c turns off the rules that act on updates",
			from: { empty: "clear", keepPivotalEdits: true, deleteMissing: true },
			key: "c",
			to: { only: "create", deleteMissing: true },
		},
		{
			name: "e under create only turns create only off",
			from: { only: "create" },
			key: "e",
			to: { empty: "clear" },
		},
		{
			name: "k under create only turns it off",
			from: { only: "create" },
			key: "k",
			to: { keepPivotalEdits: true },
		},
		{
			name: "d keeps --max-deletes",
			from: { deleteMissing: true, maxDeletes: 5 },
			key: "d",
			to: { maxDeletes: 5 },
		},
	];
	for (const row of rows) {
		it(row.name, () => {
			const rule = ruleForKey(row.key);
			expect(rule).toBeDefined();
			expect(toggleRule(row.from, rule!)).toEqual(row.to);
		});
	}
	it("a key that is no rule flips nothing", () => expect(ruleForKey("x")).toBeUndefined());
	it("toggleNote says which rules a key turned off, and nothing when none", () => {
		expect(toggleNote({ empty: "clear" }, { only: "create" }, "create-only")).toContain(
			"clear emptied cells turned off",
		);
		expect(toggleNote({}, { only: "create" }, "create-only")).toBeUndefined();
		expect(toggleNote({ only: "create" }, { keepPivotalEdits: true }, "keep-edits")).toContain(
			"create only turned off",
		);
		expect(toggleNote({ only: "create" }, {}, "create-only")).toBeUndefined();
	});
});

describe("ruleToggles", () => {
	it("says what each rule changes in this plan", () => {
		const plan = {
			...syncPlan(),
			passes: {
				customers: passPlan({
					rows: 10,
					ops: { create: 2, update: 3 },
					emptied: 1,
					deletable: 4,
					deleteKept: 1,
				}),
				contacts: passPlan({ rows: 5, ops: { update: 1 }, emptied: 2 }),
				onboardings: passPlan(),
			},
		};
		const toggles = ruleToggles(plan, { empty: "clear" });
		expect(toggles.map((t) => [t.key, t.isOn, t.effect])).toEqual([
			["c", false, "4 records to update left as they are"],
			["u", false, "2 records not created (not_in_pivotal)"],
			["e", true, "3 records with a cell emptied since the last sync"],
			["k", false, "+4 reads before updating"],
			["d", false, "4 records created here, gone from the files (1 adopted kept)"],
		]);
	});
});

describe("the wizard and the settings remember the rules", () => {
	it("a toggle plans again under the new rules; key-ready brings back the remembered ones", () => {
		const atPlan = wizardReducer(initialWizard(), {
			type: "key-ready",
			key: {} as never,
			rules: { deleteMissing: true },
		});
		expect(atPlan.rules).toEqual({ deleteMissing: true });
		const checked = wizardReducer(atPlan, { type: "plan-checked", check: {} as never, plan: syncPlan() });
		const toggled = wizardReducer(checked, { type: "rules-changed", rules: { only: "update" } });
		expect(toggled.rules).toEqual({ only: "update" });
		expect(toggled.stage).toEqual({ kind: "plan", check: { kind: "checking" } });
		const settings = createMemorySettings();
		settings.setSyncRules("/d/a.csv.checkpoint.json", { empty: "clear" });
		settings.setSyncRules("/d/b.csv.checkpoint.json", { only: "create" });
		expect(settings.syncRulesFor("/d/a.csv.checkpoint.json")).toEqual({ empty: "clear" });
		expect(settings.syncRulesFor("/d/c.csv.checkpoint.json")).toBeUndefined();
	});
});

describe("PlanStep with the rule toggles", () => {
	const check = {
		kind: "checked" as const,
		check: {
			counts: { customers: 121, contacts: 243, onboardings: 117 },
			fingerprints: { customers: "a", contacts: "b", onboardings: "c" },
			problemCount: 0,
			problems: [],
		},
	};
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
	/** The plan step of one customers file, a plan made under `rules`; `started` counts the runs it starts. */
	const planStep = (rules: SyncRules, onRules: (rules: SyncRules) => void, plan = syncPlan()) => {
		const started = { count: 0 };
		const shown = render(
			withTheme(
				<PlanStep
					files={{ customers: "/d/customers.csv" }}
					check={{ ...check, plan }}
					keyInfo={keyInfo}
					concurrency={4}
					isResume
					isFresh={false}
					rules={rules}
					onRules={onRules}
					onConfirm={() => {
						started.count += 1;
					}}
					onBack={noop}
					onQuit={noop}
				/>,
			),
		);
		return { ...shown, started };
	};

	it("shows the toggles with their counts within 80×24, and a key flips its rule", async () => {
		const asked: SyncRules[] = [];
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<Box width={80}>
					<PlanStep
						files={{
							customers: "/d/customers.csv",
							contacts: "/d/contacts.csv",
							onboardings: "/d/onboardings.csv",
						}}
						check={{ ...check, plan: syncPlan() }}
						keyInfo={keyInfo}
						concurrency={4}
						isResume
						isFresh={false}
						rules={{ deleteMissing: true }}
						onRules={(rules) => asked.push(rules)}
						onConfirm={noop}
						onBack={noop}
						onQuit={noop}
					/>
				</Box>,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain(" u [ ] update only");
		expect(frame).toContain(" d [x] delete missing");
		expect(frame).toContain("c/u/e/k/d rules");
		const lines = frame.split("\n");
		expect(lines.length).toBeLessThanOrEqual(23);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
		await settle();
		stdin.write("e");
		await waitFor(() => expect(asked).toEqual([{ deleteMissing: true, empty: "clear" }]));
		unmount();
	});

	it("c under clear emptied cells says on screen that it turned that rule off, and why", async () => {
		const asked: SyncRules[] = [];
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<Box width={80}>
					<PlanStep
						files={{ customers: "/d/customers.csv" }}
						check={{ ...check, plan: syncPlan() }}
						keyInfo={keyInfo}
						concurrency={4}
						isResume
						isFresh={false}
						rules={{ empty: "clear" }}
						onRules={(rules) => asked.push(rules)}
						onConfirm={noop}
						onBack={noop}
						onQuit={noop}
					/>
				</Box>,
			),
		);
		await settle();
		stdin.write("c");
		await waitFor(() => expect(asked).toEqual([{ only: "create" }]));
		await waitFor(() =>
			expect((lastFrame() ?? "").replaceAll("\n", " ")).toContain(
				"create only never updates a record: clear emptied",
			),
		);
		unmount();
	});

	it("an Enter that arrives right after a rule's key does not start the plan made before it (finding Y10)", async () => {
		for (const burst of [["d", "\r"], ["d\r"]]) {
			const asked: SyncRules[] = [];
			const { stdin, unmount, started } = planStep({ deleteMissing: true }, (rules) => asked.push(rules));
			await settle();
			// Before any render in between: the plan on screen is still the one that deletes.
			for (const keys of burst) stdin.write(keys);
			await settle(150);
			expect(asked, JSON.stringify(burst)).toEqual([{}]);
			expect(started.count, JSON.stringify(burst)).toBe(0);
			unmount();
		}
	});

	it("two Enters in one read start the run once (finding Z10)", async () => {
		const { stdin, unmount, started } = planStep({}, noop);
		await settle();
		stdin.write("\r\r");
		stdin.write("\r");
		await settle(150);
		expect(started.count).toBe(1);
		unmount();
	});

	it("a plan refused for too many deletes says why and does not start on Enter", async () => {
		const refusal =
			"--delete-missing would delete 6 customers, more than 2 (10 % of the 20 customers this import holds in Pivotal); nothing was sent.";
		const { lastFrame, stdin, unmount, started } = planStep({ deleteMissing: true }, noop, {
			...syncPlan(),
			refusal,
		});
		expect(lastFrame()).toContain("--delete-missing would delete 6 customers");
		expect(lastFrame()).not.toContain("Enter start");
		await settle();
		stdin.write("\r");
		await settle(150);
		expect(started.count).toBe(0);
		unmount();
	});
});

describe("FailuresScreen with a sync's notes", () => {
	it("shows a row --only update left as not created, with what to do, not as a failed request", () => {
		const { lastFrame, unmount } = render(
			withTheme(
				<FailuresScreen
					failures={[
						{
							pass: "customers",
							key: "c-4",
							line: 5,
							status: null,
							code: "not_in_pivotal",
							message: "no customer in Pivotal for this row; not created (--only update).",
							attempts: 0,
							columns: {},
						},
					]}
					canRetry={false}
					onRetry={noop}
					onExport={noop}
					onBack={noop}
				/>,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).toContain("customers c-4 · not created: not_in_pivotal");
		expect(frame).toContain("Run without --only update to create it.");
		expect(frame).not.toContain("no answer");
		unmount();
	});
});

describe("the summary's line for the sync rules", () => {
	it("counts deletes, rows not in Pivotal and changes left, and keeps not_in_pivotal out of the failures", () => {
		const pass = (over: Record<string, number> = {}) => ({
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
		const summary = {
			outcome: "completed" as const,
			runId: "r",
			run: 2,
			checkpointPath: "/d/c.json",
			passes: {
				customers: pass({ deleted: 3, skipped: 2 }),
				contacts: pass({ deleted: 1 }),
				onboardings: pass(),
			},
			failuresByCode: { not_in_pivotal: 1, edited_in_pivotal: 2, server_error: 1 },
			requests: 9,
			rateLimited: 0,
			retries: 0,
			elapsedMs: 10,
		};
		const codes = codeLines(summary.failuresByCode);
		expect(codes).toEqual({ failures: [["server_error", 1]], kept: 2, notInPivotal: 1 });
		expect(syncRulesLine(summary, codes.notInPivotal)).toBe(
			"4 deleted (created here, gone from the files) · 1 not in Pivotal, not created · 1 changes left (create only)",
		);
		expect(
			syncRulesLine({ ...summary, passes: { customers: pass(), contacts: pass(), onboardings: pass() } }, 0),
		).toBeUndefined();
	});
});
