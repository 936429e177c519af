import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckpointData } from "../../../src/core/checkpoint/index.js";
import {
	bodyDigest,
	OperationsDigest,
	type PlanBody,
	serializePlan,
} from "../../../src/core/plan/plan-file.js";
import { readPlanFile } from "../../../src/core/plan/read-plan-file.js";
import { NO_STATE, nextRun, stateFingerprint } from "../../../src/core/plan/state-fingerprint.js";
import type { RecordState } from "../../../src/model/records.js";
import { tempDir } from "../../support/temp-dirs.js";

function state(entries: Array<[string, RecordState]>, counters: Record<string, number> = {}): CheckpointData {
	return {
		header: {
			runId: "abc",
			createdAt: "2026-01-01T00:00:00.000Z",
			keyFingerprint: "sha256:0",
			baseUrl: "http://127.0.0.1:1/api/v1",
			sources: { customers: undefined, contacts: undefined, onboardings: undefined },
		},
		records: { customers: new Map(entries), contacts: new Map(), onboardings: new Map() },
		counters: { requests: 0, rateLimited: 0, retries: 0, created: 0, existed: 0, failed: 0, ...counters },
		updatedAt: "2026-01-01T00:00:00.000Z",
	};
}

const done = (id: string, name: string): RecordState =>
	({ s: "done", outcome: "created", id, v: { name }, attempts: 1 }) as unknown as RecordState;

describe("stateFingerprint", () => {
	it("is the same whatever order a store returns the records in, and differs when one record does", () => {
		const a = state([
			["c1", done("cus_1", "A")],
			["c2", done("cus_2", "B")],
		]);
		const b = state([
			["c2", done("cus_2", "B")],
			["c1", done("cus_1", "A")],
		]);
		const c = state([
			["c1", done("cus_1", "A")],
			["c2", done("cus_2", "B2")],
		]);
		expect(stateFingerprint(a)).toBe(stateFingerprint(b));
		expect(stateFingerprint(a)).not.toBe(stateFingerprint(c));
		expect(stateFingerprint(undefined)).toBe(NO_STATE);
	});

	it("follows the run counters but not the request statistics", () => {
		const base = state([["c1", done("cus_1", "A")]], { runs: 1, runsFinished: 1 });
		const more = state([["c1", done("cus_1", "A")]], { runs: 1, runsFinished: 1, requests: 99 });
		const next = state([["c1", done("cus_1", "A")]], { runs: 2, runsFinished: 1 });
		expect(stateFingerprint(more)).toBe(stateFingerprint(base));
		expect(stateFingerprint(next)).not.toBe(stateFingerprint(base));
	});

	it.each([
		[undefined, 1],
		[{ runs: 3, runsFinished: 3 }, 4],
		[{ runs: 3, runsFinished: 2 }, 3],
	])("the run an apply carries: %o → %i", (counters, run) => {
		expect(nextRun(counters ? state([], counters) : undefined)).toBe(run);
	});
});

describe("the plan file", () => {
	const body: PlanBody = {
		format: "pivotal-tui-plan",
		version: 2,
		createdAt: "2026-01-01T00:00:00.000Z",
		baseUrl: "http://127.0.0.1:1/api/v1",
		workspace: { id: "org_1", name: "Acme | <Ops>" },
		files: {
			customers: { path: "customers.csv", sha256: "a".repeat(64), rows: 2 },
			contacts: null,
			onboardings: null,
		},
		map: null,
		source: { encoding: null, delimiter: null },
		state: { path: "customers.csv.checkpoint.json", fingerprint: "none", run: 1 },
		options: { retryFailed: false, recreate: false },
		rules: { only: null, empty: "keep", keepPivotalEdits: false, deleteMissing: false, maxDeletes: null },
		counts: {
			customers: { create: 1, match: 0, update: 1, unchanged: 0, blocked: 0, kept: 0, skipped: 0, delete: 0 },
			contacts: { create: 0, match: 0, update: 0, unchanged: 0, blocked: 0, kept: 0, skipped: 0, delete: 0 },
			onboardings: {
				create: 0,
				match: 0,
				update: 0,
				unchanged: 0,
				blocked: 0,
				kept: 0,
				skipped: 0,
				delete: 0,
			},
		},
		requests: 2,
		operations: [
			{ pass: "customers", key: "c1", line: 2, op: "create", after: { name: "A\u001b[31m" } },
			{
				pass: "customers",
				key: "c2",
				line: 3,
				op: "update",
				id: "cus_2",
				changes: [{ field: "name", before: "B", after: "C" }],
			},
		],
	};

	it("reads back what it wrote, one operation per line, the digest checked", async () => {
		const dir = tempDir();
		const path = join(dir, "plan.json");
		const text = serializePlan(body);
		writeFileSync(path, text);
		expect(text.split("\n").filter((line) => line.startsWith('    {"pass"'))).toHaveLength(2);
		const read = await readPlanFile(path);
		const { operations, ...head } = body;
		const listed = new OperationsDigest();
		for (const operation of operations) listed.add(operation);
		expect(read).toEqual({
			ok: true,
			plan: { ...head, digest: bodyDigest(body) },
			operationsDigest: listed.digest(),
		});
	});

	it.each([
		["a missing file", (p: string) => p, /does not exist; make a plan with/],
		["a folder", (_: string, dir: string) => dir, /is not a file/],
	])("refuses %s in one sentence", async (_, pick, sentence) => {
		const dir = tempDir();
		const read = await readPlanFile(pick(join(dir, "nope.json"), dir));
		expect(read.ok).toBe(false);
		if (!read.ok) expect(read.message).toMatch(sentence);
	});

	it.each([
		[
			"an operation of an unknown kind",
			{ operations: [{ pass: "customers", key: "c", line: 2, op: "destroy" }] },
			/operation 1 has an unknown op/,
		],
		[
			"a delete without the id it deletes",
			{ operations: [{ pass: "customers", key: "c", op: "delete" }] },
			/operation 1 is a delete without an id/,
		],
		["sync rules it does not know", { rules: { ...body.rules, only: "everything" } }, /rules is malformed/],
		["a plan of format 1, made without its sync rules", { version: 1 }, /older pivotal-tui .*plan again/],
		[
			"a pass that is not ours",
			{ operations: [{ pass: "__proto__", key: "c", line: 2, op: "create" }] },
			/operation 1 has no valid pass/,
		],
		[
			"a control character in a path",
			{ files: { ...body.files, customers: { path: "a\nb.csv", sha256: "a".repeat(64), rows: 1 } } },
			/files\.customers is malformed/,
		],
		["a base URL that is not http", { baseUrl: "file:///etc/passwd" }, /baseUrl is not an http\(s\) URL/],
		["a count that is not one", { requests: -1 }, /requests is not a count/],
	])("refuses %s, even with a matching digest", async (_, change, sentence) => {
		const dir = tempDir();
		const path = join(dir, "plan.json");
		writeFileSync(path, serializePlan({ ...body, ...change } as PlanBody));
		const read = await readPlanFile(path);
		expect(read.ok).toBe(false);
		if (!read.ok) expect(read.message).toMatch(sentence);
	});
});
