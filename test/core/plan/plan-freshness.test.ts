import { describe, expect, it } from "vitest";
import type { PlanDocument } from "../../../src/core/plan/plan-file.js";
import { type ObservedInputs, planFreshness, planMarkOf } from "../../../src/core/plan/plan-freshness.js";

const A = "a".repeat(64);
const B = "b".repeat(64);
const M = "c".repeat(64);

const DIGEST = `sha256:${"d".repeat(64)}`;
const plan: Pick<PlanDocument, "files" | "map" | "state" | "digest"> = {
	digest: DIGEST,
	files: {
		customers: { path: "customers.csv", sha256: A, rows: 3 },
		contacts: { path: "contacts.csv", sha256: B, rows: 3 },
		onboardings: null,
	},
	map: { path: "map.json", sha256: M },
	state: { path: "customers.csv.checkpoint.json", fingerprint: "sha256:state", run: 4 },
};

const same: ObservedInputs = {
	files: { customers: A, contacts: B, onboardings: undefined },
	map: M,
	stateFingerprint: "sha256:state",
	runs: 3,
	runsFinished: 3,
	planMark: 0,
};

describe("planFreshness", () => {
	const cases: Array<[string, Partial<ObservedInputs>, string]> = [
		["the inputs it was made from", {}, "fresh"],
		[
			"a customers file edited since",
			{ files: { customers: B, contacts: B, onboardings: undefined } },
			"stale plan: the customers file customers.csv changed since the plan was made; plan again.",
		],
		[
			"a contacts file gone",
			{ files: { customers: A, contacts: "missing", onboardings: undefined } },
			"stale plan: the contacts file contacts.csv changed since the plan was made; plan again.",
		],
		[
			"a map edited since",
			{ map: A },
			"stale plan: the map map.json changed since the plan was made; plan again.",
		],
		[
			"a state another run moved on",
			{ stateFingerprint: "sha256:other", runs: 4, runsFinished: 4 },
			"stale plan: the state customers.csv.checkpoint.json changed since the plan was made; plan again.",
		],
		[
			"its own apply, interrupted (run 4 unfinished)",
			{ stateFingerprint: "sha256:other", runs: 4, runsFinished: 3, planMark: planMarkOf(DIGEST) },
			"resume",
		],
		[
			"a plain import's run 4, interrupted (not this plan's)",
			{ stateFingerprint: "sha256:other", runs: 4, runsFinished: 3, planMark: 0 },
			"stale plan: the state customers.csv.checkpoint.json changed since the plan was made: another run of the import (not this plan's apply) was interrupted there; plan again.",
		],
		[
			"another plan's apply of run 4, interrupted",
			{
				stateFingerprint: "sha256:other",
				runs: 4,
				runsFinished: 3,
				planMark: planMarkOf(`sha256:${"e".repeat(64)}`),
			},
			"stale plan: the state customers.csv.checkpoint.json changed since the plan was made: another run of the import (not this plan's apply) was interrupted there; plan again.",
		],
		[
			"its own apply, finished (the same apply run again)",
			{ stateFingerprint: "sha256:other", runs: 4, runsFinished: 4, planMark: planMarkOf(DIGEST) },
			"this plan was applied already: its run (run 4 of the import) finished, and the state customers.csv.checkpoint.json has changed only by it. Plan again for what changed since.",
		],
		[
			"its own apply, taken back by undo since",
			{
				stateFingerprint: "sha256:other",
				runs: 4,
				runsFinished: 4,
				planMark: planMarkOf(DIGEST),
				undoneRun: 4,
			},
			"this plan's apply (run 4 of the import) was taken back by undo since; plan again.",
		],
		[
			"its own apply finished, then another run",
			{ stateFingerprint: "sha256:other", runs: 5, runsFinished: 5, planMark: 0 },
			"stale plan: the state customers.csv.checkpoint.json changed since the plan was made; plan again.",
		],
		[
			"another plan's apply of run 4, finished",
			{
				stateFingerprint: "sha256:other",
				runs: 4,
				runsFinished: 4,
				planMark: planMarkOf(`sha256:${"e".repeat(64)}`),
			},
			"stale plan: the state customers.csv.checkpoint.json changed since the plan was made; plan again.",
		],
		[
			"a later run unfinished",
			{ stateFingerprint: "sha256:other", runs: 5, runsFinished: 4 },
			"stale plan: the state customers.csv.checkpoint.json changed since the plan was made; plan again.",
		],
		[
			"its own apply, interrupted, but a file edited since",
			{
				files: { customers: B, contacts: B, onboardings: undefined },
				stateFingerprint: "x",
				runs: 4,
				runsFinished: 3,
			},
			"stale plan: the customers file customers.csv changed since the plan was made; plan again.",
		],
	];
	it.each(cases)("%s", (_, change, expected) => {
		const verdict = planFreshness(plan, { ...same, ...change });
		expect(verdict.kind === "stale" ? verdict.sentence : verdict.kind).toBe(expected);
	});
});
