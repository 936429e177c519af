import { describe, expect, it } from "vitest";
import { findRepeatedKey, keyFingerprint } from "../../src/api/key.js";
import { envKeysFrom, keyRows, rowsToVerify } from "../../src/ui/model/key-choices.js";
import { keyPoolProblem, poolKeyInfo, type VerifiedKey } from "../../src/ui/model/verify-key.js";

function verified(masked: string, workspace: string, workspaceId: string, isTest = false): VerifiedKey {
	return {
		fingerprint: `sha256:${masked}`,
		masked,
		workspace,
		workspaceId,
		keyName: "k",
		tier: "standard",
		isTest,
		limit: 60,
		remaining: undefined,
	};
}

describe("keyPoolProblem: keys that cannot serve one run together", () => {
	const a = verified("pivotal_…aaaa", "Acme", "o1");
	const b = verified("pivotal_…bbbb", "Acme", "o1");
	const c = verified("pivotal_…cccc", "Other Co", "o2");
	const twin = verified("pivotal_…dddd", "Acme", "o9");
	const test = verified("pivotal_test_…eeee", "Acme", "o1", true);
	it.each([
		["one key", [a], undefined],
		["two keys of one workspace", [a, b], undefined],
		[
			"a key of another workspace (the first such is named)",
			[a, b, c],
			"The keys pivotal_…aaaa (workspace “Acme”) and pivotal_…cccc (workspace “Other Co”) belong to different workspaces; use keys of one workspace only.",
		],
		[
			"two workspaces of one name: their ids tell them apart",
			[a, twin],
			"The keys pivotal_…aaaa (workspace “Acme” o1) and pivotal_…dddd (workspace “Acme” o9) belong to different workspaces; use keys of one workspace only.",
		],
		[
			"a test key beside a live key",
			[a, test],
			"The keys pivotal_…aaaa (live) and pivotal_test_…eeee (test) mix a live key with a test key; use keys of one kind only.",
		],
	] as const)("%s", (_name, keys, expected) => {
		expect(keyPoolProblem(keys)).toBe(expected);
	});
});

describe("findRepeatedKey", () => {
	it.each([
		[[], undefined],
		[["k1"], undefined],
		[["k1", "k2", "k3"], undefined],
		[
			["k1", "k2", "k1"],
			[0, 2],
		],
		[
			["k1", "k2", "k2", "k1"],
			[1, 2],
		],
	] as const)("%j → %j", (keys, expected) => {
		expect(findRepeatedKey(keys)).toEqual(expected);
	});
});

describe("the key step's rows", () => {
	const KEY = "pivotal_live_RowsTestKey00000a1a1";
	const SAVED = "pivotal_live_RowsSavedKey0000b2b2";
	const saved = [KEY, SAVED].map((k, i) => ({
		fingerprint: keyFingerprint(k),
		masked: `pivotal_…${k.slice(-4)}`,
		savedAt: "2026-01-02T00:00:00.000Z",
		where: i === 0 ? ("keychain" as const) : ("file" as const),
	}));

	it("lists each key once: environment first, a saved copy of it folded into its row, pasted last", () => {
		const rows = keyRows(envKeysFrom({ PIVOTAL_API_KEY: KEY }), saved, [
			SAVED,
			"pivotal_live_PastedOnly0000c3c3",
		]);
		expect(rows.map((r) => [r.label, r.hint])).toEqual([
			["PIVOTAL_API_KEY pivotal_…a1a1", "also saved"],
			["saved pivotal_…b2b2", "settings file · m move to keychain · 2026-01-02 · d forget"],
			["pasted pivotal_…c3c3", undefined],
		]);
		for (const row of rows) expect(JSON.stringify(row)).not.toMatch(/RowsTestKey|RowsSavedKey|PastedOnly/);
	});

	it("reads the named variables in order and skips empty ones", () => {
		expect(envKeysFrom({ A: "a", B: "", C: "c" }, ["C", "B", "A", "D"])).toEqual([
			{ variable: "C", secret: "c" },
			{ variable: "A", secret: "a" },
		]);
	});

	it("verifies the ticked keys and the highlighted one, in list order", () => {
		const rows = keyRows([], saved, ["pivotal_live_PastedOnly0000c3c3"]);
		const ids = rows.map((r) => r.id);
		expect(rowsToVerify(rows, new Set(), ids[1]).map((r) => r.id)).toEqual([ids[1]]);
		expect(rowsToVerify(rows, new Set([ids[2] ?? ""]), ids[0]).map((r) => r.id)).toEqual([ids[0], ids[2]]);
		expect(rowsToVerify(rows, new Set([ids[1] ?? ""]), undefined).map((r) => r.id)).toEqual([ids[1]]);
	});
});

describe("poolKeyInfo: what the plan and undo steps estimate at", () => {
	it("one key as it is; a pool's limits summed and its keys counted (finding AA2)", () => {
		const live = verified("pivotal_…aaaa", "Acme", "o1");
		const paid = { ...verified("pivotal_…bbbb", "Acme", "o1"), limit: 600 };
		expect(poolKeyInfo([{ key: live }])).toBe(live);
		expect(poolKeyInfo([{ key: live }, { key: paid }])).toMatchObject({
			masked: "2 keys",
			limit: 660,
			workspace: "Acme",
		});
		expect(poolKeyInfo([])).toBeUndefined();
	});
});
