import { describe, expect, it } from "vitest";
import type { RecordState } from "../../src/model/records.js";
import { resultOf } from "../../src/report/results-csv.js";

const done = (r: number, did?: "created" | "updated"): RecordState =>
	({ s: "done", attempts: 1, id: "c1", outcome: "created", r, ...(did ? { did } : {}) }) as RecordState;

describe("resultOf: a row's outcome in the results CSV", () => {
	it.each<[string, RecordState | undefined, boolean, string]>([
		["written by this run", done(3, "updated"), false, "updated"],
		["written by this run, the pass cut short", done(3, "updated"), true, "updated"],
		["done before, the pass gone through: unchanged", done(2, "created"), false, "unchanged"],
		["done before, the pass never reached or cut short: not looked at", done(2, "created"), true, "pending"],
		["no state", undefined, false, "pending"],
	])("%s", (_, state, isPassUnfinished, expected) => {
		expect(resultOf(state, 3, isPassUnfinished)).toBe(expected);
	});
});
