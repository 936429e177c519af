/** The key step's pure decisions: what each action does to the step, and what each key press means. */
import { describe, expect, it } from "vitest";
import { keyFingerprint, maskKey } from "../../src/api/key.js";
import type { PivotalClient } from "../../src/api/types.js";
import { type KeyRow, keyRows } from "../../src/ui/model/key-choices.js";
import {
	initialKeyStep,
	type KeyPhase,
	type KeyStepState,
	keyIntent,
	keyStepReducer,
	listKeyIntent,
	pasteDecision,
	type Verified,
	verifiedPhase,
} from "../../src/ui/model/key-step-state.js";
import type { VerifiedKey } from "../../src/ui/model/verify-key.js";

const KEY_A = "pivotal_live_KeyStateAAAA00000a1a1";
const KEY_B = "pivotal_live_KeyStateBBBB00000b2b2";
const TEST_KEY = "pivotal_test_KeyStateTTTT00000c3c3";

const client = (name: string) => ({ baseUrl: name }) as unknown as PivotalClient;

function verifiedKey(secret: string, workspaceId = "o1", isTest = false): VerifiedKey {
	return {
		fingerprint: keyFingerprint(secret),
		masked: `…${secret.slice(-4)}`,
		workspace: `Workspace ${workspaceId}`,
		workspaceId,
		keyName: "k",
		tier: "paid",
		isTest,
		limit: 600,
		remaining: 599,
	};
}

const verified = (rowId: string, secret: string, isSaved = false): Verified => ({
	key: verifiedKey(secret),
	client: client(secret),
	rowId,
	secret,
	isSaved,
});

const envA = `env:${keyFingerprint(KEY_A)}`;
const envB = `env:${keyFingerprint(KEY_B)}`;
const rows: KeyRow[] = keyRows(
	[
		{ variable: "A", secret: KEY_A },
		{ variable: "B", secret: KEY_B },
	],
	[],
	[],
);
const saved: KeyRow = {
	id: "saved:f1",
	source: "saved",
	fingerprint: "f1",
	where: "file",
	label: "saved …f1",
};

const choosing = (ticked: string[] = [], pasted: string[] = []): KeyStepState => ({
	phase: { kind: "choose" },
	ticked: new Set(ticked),
	pasted,
});
const at = (phase: KeyPhase, ticked: string[] = []): KeyStepState => ({
	phase,
	ticked: new Set(ticked),
	pasted: [],
});
const verifiedAB: KeyPhase = {
	kind: "verified",
	notices: [],
	keys: [verified(envA, KEY_A, true), verified(envB, KEY_B)],
};

describe("initialKeyStep", () => {
	it("ticks the environment's keys only when several were named on the command line", () => {
		expect([...initialKeyStep(rows, true).ticked]).toEqual([envA, envB]);
		expect([...initialKeyStep(rows, false).ticked]).toEqual([]);
		expect(initialKeyStep(rows, true).phase).toEqual({ kind: "choose" });
	});
});

describe("keyStepReducer", () => {
	const cases: {
		name: string;
		from: KeyStepState;
		action: Parameters<typeof keyStepReducer>[1];
		phase?: KeyPhase;
		ticked?: string[];
		pasted?: string[];
	}[] = [
		{ name: "toggle ticks", from: choosing(), action: { type: "toggle", rowId: envA }, ticked: [envA] },
		{
			name: "toggle unticks",
			from: choosing([envA, envB]),
			action: { type: "toggle", rowId: envA },
			ticked: [envB],
		},
		{
			name: "toggle clears a notice",
			from: at({ kind: "choose", notice: "Key forgotten." }),
			action: { type: "toggle", rowId: envA },
			phase: { kind: "choose" },
		},
		{
			name: "forgetting every saved key unticks the saved rows only",
			from: choosing([envA, "saved:f1", "pasted:p"]),
			action: { type: "forgot" },
			ticked: [envA, "pasted:p"],
			phase: { kind: "choose", notice: "Saved keys forgotten." },
		},
		{
			name: "forgetting one key unticks it",
			from: choosing([envA, "saved:f1"]),
			action: { type: "forgot", rowId: "saved:f1" },
			ticked: [envA],
			phase: { kind: "choose", notice: "Key forgotten." },
		},
		{
			name: "verify with no key stays",
			from: choosing([envA]),
			action: { type: "verify", keys: [] },
			phase: { kind: "choose" },
		},
		{
			name: "verify a pasted key lists it",
			from: choosing(),
			action: { type: "verify", keys: [{ rowId: "pasted:x", secret: KEY_B }], pasted: KEY_B },
			phase: { kind: "verifying", keys: [{ rowId: "pasted:x", secret: KEY_B }] },
			pasted: [KEY_B],
		},
		{
			name: "an answer for keys no longer being verified is dropped",
			from: choosing(),
			action: { type: "checked", phase: verifiedAB },
			phase: { kind: "choose" },
		},
		{
			name: "an answer while verifying is shown",
			from: at({ kind: "verifying", keys: [] }),
			action: { type: "checked", phase: verifiedAB },
			phase: verifiedAB,
		},
		{
			name: "saving marks every key saved, each notice once",
			from: at(verifiedAB),
			action: { type: "saved", notices: ["Saved in the keychain.", "Saved in the keychain."] },
			phase: {
				kind: "verified",
				notices: ["Saved in the keychain."],
				keys: [verified(envA, KEY_A, true), verified(envB, KEY_B, true)],
			},
		},
		{
			name: "adding another keeps the verified keys ticked",
			from: at(verifiedAB),
			action: { type: "again", keep: true },
			ticked: [envA, envB],
			phase: { kind: "choose" },
		},
		{
			name: "starting over unticks everything",
			from: at(verifiedAB, [envA]),
			action: { type: "again", keep: false },
			ticked: [],
			phase: { kind: "choose" },
		},
		{
			name: "a paste problem is shown on the paste prompt",
			from: at({ kind: "paste" }),
			action: { type: "paste", problem: "The API key is empty." },
			phase: { kind: "paste", problem: "The API key is empty." },
		},
		{
			name: "a warning notice",
			from: at({ kind: "error", message: "x", isAuth: false }),
			action: { type: "choose", notice: "That key is no longer available.", isWarning: true },
			phase: { kind: "choose", notice: "That key is no longer available.", isWarning: true },
		},
	];
	it.each(cases)("$name", ({ from, action, phase, ticked, pasted }) => {
		const next = keyStepReducer(from, action);
		if (phase) expect(next.phase).toEqual(phase);
		if (ticked) expect([...next.ticked]).toEqual(ticked);
		expect(next.pasted).toEqual(pasted ?? from.pasted);
	});
});

describe("verifiedPhase", () => {
	const pending = [
		{ rowId: envA, secret: KEY_A },
		{ rowId: envB, secret: KEY_B },
	];
	const clients = [client("a"), client("b")];
	const refused = { ok: false as const, isAuth: true, message: "The key was refused." };
	const down = { ok: false as const, isAuth: false, message: "Could not reach the server." };

	it("names a refused key before any other failure, and the key that failed", () => {
		expect(verifiedPhase(pending, [down, refused], clients, new Set())).toEqual({
			kind: "error",
			message: `${maskKey(KEY_B)}: The key was refused.`,
			isAuth: true,
		});
		expect(verifiedPhase(pending, [down, down], clients, new Set())).toEqual({
			kind: "error",
			message: `${maskKey(KEY_A)}: Could not reach the server.`,
			isAuth: false,
		});
	});

	it("leaves out a key that could not be verified for a reason of the moment, naming it; the others go on (finding AB5)", () => {
		const phase = verifiedPhase(pending, [{ ok: true, key: verifiedKey(KEY_A) }, down], clients, new Set());
		expect(phase).toMatchObject({
			kind: "verified",
			notices: [
				`${maskKey(KEY_B)}: Could not reach the server. Left out: this run goes on with the other key.`,
			],
		});
		expect(phase.kind === "verified" && phase.keys.map((k) => k.secret)).toEqual([KEY_A]);
	});

	it("refuses keys of two workspaces, or a live key with a test key", () => {
		const two = verifiedPhase(
			pending,
			[
				{ ok: true, key: verifiedKey(KEY_A, "o1") },
				{ ok: true, key: verifiedKey(KEY_B, "o2") },
			],
			clients,
			new Set(),
		);
		expect(two).toMatchObject({ kind: "error", isAuth: false });
		expect(two.kind === "error" && two.message).toContain("different workspaces");
		const mixed = verifiedPhase(
			pending,
			[
				{ ok: true, key: verifiedKey(KEY_A) },
				{ ok: true, key: verifiedKey(TEST_KEY, "o1", true) },
			],
			clients,
			new Set(),
		);
		expect(mixed.kind === "error" && mixed.message).toContain("mix a live key with a test key");
	});

	it("keeps each key's client and row, and says which are saved", () => {
		const phase = verifiedPhase(
			pending,
			[
				{ ok: true, key: verifiedKey(KEY_A) },
				{ ok: true, key: verifiedKey(KEY_B) },
			],
			clients,
			new Set([keyFingerprint(KEY_B)]),
		);
		expect(phase.kind).toBe("verified");
		if (phase.kind !== "verified") return;
		expect(phase.keys.map((k) => [k.rowId, k.client, k.isSaved])).toEqual([
			[envA, clients[0], false],
			[envB, clients[1], true],
		]);
	});
});

describe("keyIntent", () => {
	const unsaved: KeyPhase = { kind: "verified", notices: [], keys: [verified(envA, KEY_A)] };
	const allSaved: KeyPhase = { kind: "verified", notices: [], keys: [verified(envA, KEY_A, true)] };
	const authError: KeyPhase = { kind: "error", message: "no", isAuth: true };
	const otherError: KeyPhase = { kind: "error", message: "no", isAuth: false };
	const enter = { return: true };
	const esc = { escape: true };
	it.each([
		["verified, Enter", unsaved, "", enter, "ready"],
		[
			"verified with none, Enter",
			{ kind: "verified", notices: [], keys: [] } as KeyPhase,
			"",
			enter,
			undefined,
		],
		["verified, s with an unsaved key", unsaved, "s", {}, "save"],
		["verified, s with every key saved", allSaved, "s", {}, undefined],
		["verified, a", unsaved, "a", {}, "add-another"],
		["verified, Esc", unsaved, "", esc, "start-over"],
		["verified, another letter", unsaved, "x", {}, undefined],
		["refused key, Enter", authError, "", enter, "choose-again"],
		["refused key, Esc", authError, "", esc, "choose-again"],
		["refused key, q", authError, "q", {}, "refused"],
		["other error, q", otherError, "q", {}, "back"],
		["paste, Esc", { kind: "paste" } as KeyPhase, "", esc, "choose-again"],
		["paste, a letter", { kind: "paste" } as KeyPhase, "q", {}, undefined],
		["choose, Esc", { kind: "choose" } as KeyPhase, "", esc, "back"],
		["choose, Enter (the list's)", { kind: "choose" } as KeyPhase, "", enter, undefined],
		["verifying, Esc", { kind: "verifying", keys: [] } as KeyPhase, "", esc, undefined],
	])("%s", (_name, phase, input, key, intent) => {
		expect(keyIntent(phase, input, key)).toBe(intent);
	});
});

describe("listKeyIntent", () => {
	const keychain: KeyRow = { ...saved, id: "saved:f2", where: "keychain" };
	it.each([
		[rows[0]!, " ", "toggle"],
		[saved, " ", "toggle"],
		[saved, "d", "forget"],
		[rows[0]!, "d", undefined],
		[saved, "m", "move"],
		[keychain, "m", undefined],
		[rows[0]!, "m", undefined],
		[saved, "x", undefined],
	])("%#: %o %j", (row, input, intent) => {
		expect(listKeyIntent(row, input)).toBe(intent);
	});
});

describe("pasteDecision", () => {
	it("ignores an empty paste and names a malformed one", () => {
		expect(pasteDecision("  ", rows, new Set())).toEqual({ kind: "none" });
		expect(pasteDecision("Bearer pivotal_live_x", rows, new Set())).toMatchObject({ kind: "problem" });
	});

	it("verifies a listed key from its row, with the ticked ones", () => {
		expect(pasteDecision(` ${KEY_B} `, rows, new Set([envA]))).toEqual({ kind: "verify", rows });
	});

	it("adds a new key as a pasted row, verified after the ticked ones", () => {
		const decision = pasteDecision(TEST_KEY, rows, new Set([envB]));
		expect(decision).toEqual({
			kind: "verify",
			rows: [rows[1]],
			pasted: { rowId: `pasted:${keyFingerprint(TEST_KEY)}`, secret: TEST_KEY },
		});
	});
});
