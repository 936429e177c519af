import { describe, expect, it } from "vitest";
import {
	checkpointPathOf,
	initialWizard,
	type Stage,
	sourceFilesOf,
	type WizardAction,
	type WizardState,
	wizardReducer,
} from "../../src/ui/model/wizard-state.js";
import type { CheckpointInfo, SourceCheck } from "../../src/ui/services.js";

const checkpoint: CheckpointInfo = {
	path: "/d/customers.csv.checkpoint.json",
	runId: "run1",
	keyFingerprint: "sha256:k",
	updatedAt: "2026-01-01T00:00:00Z",
	sources: { customers: "/d/customers.csv", contacts: "/d/contacts.csv", onboardings: undefined },
	counts: {
		customers: { done: 3, failed: 0, total: 5 },
		contacts: { done: 0, failed: 0, total: 4 },
		onboardings: { done: 0, failed: 0, total: 0 },
	},
	isFinished: false,
};

const check: SourceCheck = {
	counts: { customers: 5, contacts: 4, onboardings: 0 },
	fingerprints: { customers: "a", contacts: "b", onboardings: undefined },
	problemCount: 0,
	problems: [],
};

const at = (stage: Stage, over: Partial<WizardState> = {}): WizardState => ({
	...initialWizard(),
	stage,
	...over,
});

const run = (state: WizardState, ...actions: WizardAction[]) => actions.reduce(wizardReducer, state);

describe("wizardReducer", () => {
	it.each<[string, WizardState, WizardAction, Stage]>([
		[
			"a folder with a checkpoint offers to resume",
			at({ kind: "loading" }),
			{ type: "folder-read", names: ["customers.csv"], checkpoints: [checkpoint] },
			{ kind: "resume", checkpoints: [checkpoint] },
		],
		[
			"a folder without one starts at the customers file",
			at({ kind: "loading" }),
			{ type: "folder-read", names: ["customers.csv"], checkpoints: [] },
			{ kind: "file", pass: "customers" },
		],
		[
			"files fixed on the command line with --map skip the mapping",
			at({ kind: "loading" }),
			{ type: "files-fixed", files: { customers: "/d/c.csv" }, isFresh: false, isMapped: true },
			{ kind: "key" },
		],
		[
			"files fixed without a map are mapped first",
			at({ kind: "loading" }),
			{ type: "files-fixed", files: { customers: "/d/c.csv" }, isFresh: false, isMapped: false },
			{ kind: "mapping" },
		],
		[
			"new files from the resume step",
			at({ kind: "resume", checkpoints: [checkpoint] }),
			{ type: "resume-chosen", choice: { kind: "new" } },
			{ kind: "file", pass: "customers" },
		],
		[
			"the customers file leads to contacts",
			at({ kind: "file", pass: "customers" }),
			{ type: "file-chosen", pass: "customers", path: "/d/customers.csv" },
			{ kind: "file", pass: "contacts" },
		],
		[
			"the onboardings file leads to the mapping",
			at({ kind: "file", pass: "onboardings" }),
			{ type: "file-chosen", pass: "onboardings", path: undefined },
			{ kind: "mapping" },
		],
		[
			"a missing file stays on its step with the path",
			at({ kind: "file", pass: "contacts" }),
			{ type: "file-missing", pass: "contacts", path: "/d/nope.csv" },
			{ kind: "file", pass: "contacts", error: "No such file: /d/nope.csv" },
		],
		[
			"a key pasted as the path is not shown back",
			at({ kind: "file", pass: "customers" }),
			{ type: "file-missing", pass: "customers", path: "/d/pivotal_Zq7Xw3Rt9Lm2Np5Kv8Bc4Hd6Jf1Gs0Ya" },
			{
				kind: "file",
				pass: "customers",
				error:
					"That looks like an API key, not a file, so it is not shown; the key goes in the key step, after the files.",
			},
		],
		[
			"a file named after the tool with an extension is a file",
			at({ kind: "file", pass: "customers" }),
			{ type: "file-missing", pass: "customers", path: "pivotal_customers_export.csv" },
			{ kind: "file", pass: "customers", error: "No such file: pivotal_customers_export.csv" },
		],
		[
			"back from onboardings is contacts",
			at({ kind: "file", pass: "onboardings" }),
			{ type: "file-back", pass: "onboardings" },
			{ kind: "file", pass: "contacts" },
		],
		[
			"the map leads to the key",
			at({ kind: "mapping" }),
			{ type: "mapped", map: undefined },
			{ kind: "key" },
		],
		[
			"back from the plan is the key",
			at({ kind: "plan", check: { kind: "checking" } }),
			{ type: "plan-back" },
			{ kind: "key" },
		],
		[
			"a checked plan with its sync plan",
			at({ kind: "plan", check: { kind: "checking" } }),
			{ type: "plan-checked", check },
			{ kind: "plan", check: { kind: "checked", check, plan: undefined } },
		],
		[
			"a check that comes back after the user left the plan step is dropped",
			at({ kind: "key" }),
			{ type: "plan-checked", check },
			{ kind: "key" },
		],
		[
			"u on the summary reads the undo plan",
			at({ kind: "run" }),
			{ type: "undo-asked" },
			{ kind: "undo", check: { kind: "checking" } },
		],
		[
			"an undo plan that arrives after Esc is dropped",
			at({ kind: "run" }),
			{ type: "undo-failed", message: "no state" },
			{ kind: "run" },
		],
		[
			"Esc on the undo step goes back to the summary",
			at({ kind: "undo", check: { kind: "error", message: "x" } }),
			{ type: "to-run" },
			{ kind: "run" },
		],
	])("%s", (_name, state, action, stage) => {
		expect(wizardReducer(state, action).stage).toEqual(stage);
	});

	it("takes the files of the checkpoint chosen on the resume step, and starts over when asked", () => {
		const resumed = wizardReducer(at({ kind: "resume", checkpoints: [checkpoint] }), {
			type: "resume-chosen",
			choice: { kind: "resume", checkpoint },
		});
		expect(resumed.files).toEqual({ customers: "/d/customers.csv", contacts: "/d/contacts.csv" });
		expect(resumed.resumeFrom).toBe(checkpoint);
		expect(resumed.isFresh).toBe(false);
		expect(checkpointPathOf(resumed, "/elsewhere.json")).toBe(checkpoint.path);
		const fresh = wizardReducer(at({ kind: "resume", checkpoints: [checkpoint] }), {
			type: "resume-chosen",
			choice: { kind: "fresh", checkpoint },
		});
		expect(fresh.isFresh).toBe(true);
	});

	it("syncs other files into a checkpoint's import: the files are asked for, the run reads and writes that checkpoint (finding S9)", () => {
		const state = run(at({ kind: "resume", checkpoints: [checkpoint] }), {
			type: "resume-chosen",
			choice: { kind: "other-files", checkpoint },
		});
		expect(state.stage).toEqual({ kind: "file", pass: "customers" });
		expect(state.files).toEqual({});
		const picked = run(
			state,
			{ type: "file-chosen", pass: "customers", path: "/d/c2.csv" },
			{ type: "file-chosen", pass: "contacts", path: undefined },
			{ type: "file-chosen", pass: "onboardings", path: undefined },
		);
		expect(sourceFilesOf(picked).customers).toBe("/d/c2.csv");
		expect(checkpointPathOf(picked, undefined)).toBe(checkpoint.path);
		expect(picked.isFresh).toBe(false);
		// "Pick other files" is a new import: its state beside its own customers file.
		const other = run(
			state,
			{ type: "resume-chosen", choice: { kind: "new" } },
			{ type: "file-chosen", pass: "customers", path: "/d/c2.csv" },
		);
		expect(checkpointPathOf(other, undefined)).toBe("/d/c2.csv.checkpoint.json");
	});

	it("starting over from an unreadable checkpoint asks for the files and sets that state aside (finding U12)", () => {
		const damaged = { ...checkpoint, damaged: "damaged" };
		const state = wizardReducer(at({ kind: "resume", checkpoints: [damaged] }), {
			type: "resume-chosen",
			choice: { kind: "fresh", checkpoint: damaged },
		});
		expect(state.stage).toEqual({ kind: "file", pass: "customers" });
		expect(state.isFresh).toBe(true);
		expect(state.files).toEqual({});
		expect(checkpointPathOf(state, undefined)).toBe(damaged.path);
	});

	it("Esc on the customers file step goes back to the folder's checkpoints when it has any, else stays (finding U13)", () => {
		const read = wizardReducer(initialWizard(), {
			type: "folder-read",
			names: ["c2.csv"],
			checkpoints: [checkpoint],
		});
		const chosen = wizardReducer(read, {
			type: "resume-chosen",
			choice: { kind: "other-files", checkpoint },
		});
		expect(wizardReducer(chosen, { type: "file-back", pass: "customers" }).stage).toEqual({
			kind: "resume",
			checkpoints: [checkpoint],
		});
		const none = wizardReducer(initialWizard(), { type: "folder-read", names: ["c.csv"], checkpoints: [] });
		expect(wizardReducer(none, { type: "file-back", pass: "customers" }).stage).toEqual({
			kind: "file",
			pass: "customers",
		});
	});

	it("leaves an optional file out, keeps the map with the command line's encoding", () => {
		const state = run(
			initialWizard({ encoding: "windows-1252" }),
			{ type: "folder-read", names: [], checkpoints: [] },
			{ type: "file-chosen", pass: "customers", path: "/d/customers.csv" },
			{ type: "file-chosen", pass: "contacts", path: "/d/contacts.csv" },
			{ type: "file-back", pass: "onboardings" },
			{ type: "file-chosen", pass: "contacts", path: undefined },
			{ type: "file-chosen", pass: "onboardings", path: "/d/onboardings.csv" },
			{ type: "mapped", map: undefined },
		);
		expect(sourceFilesOf(state)).toEqual({
			customers: "/d/customers.csv",
			contacts: undefined,
			onboardings: "/d/onboardings.csv",
		});
		expect(state.source).toEqual({ encoding: "windows-1252", map: undefined });
		// No checkpoint chosen and none named: beside the customers file.
		expect(checkpointPathOf(state, undefined)).toBe("/d/customers.csv.checkpoint.json");
		expect(checkpointPathOf(state, "/d/named.json")).toBe("/d/named.json");
	});
});
