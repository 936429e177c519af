/**
 * The key step's decisions, pure: which keys are ticked, what the step shows (choosing, pasting,
 * verifying, verified, refused), and what a key press means there. The hook (`useKeyStep`) does
 * the effects these call for (`GET /me`, the key store) and reports back with actions.
 */

import { keyFingerprint, maskKey, validateKeyShape } from "../../api/key.js";
import type { PivotalClient } from "../../api/types.js";
import { asSentence } from "../../model/sentence.js";
import { type KeyRow, rowsToVerify } from "./key-choices.js";
import { type KeyCheck, keyPoolProblem, poolChecked, type VerifiedKey } from "./verify-key.js";

/** A key on its way to `GET /me`: the secret, and the row it came from. */
export interface Pending {
	readonly rowId: string;
	readonly secret: string;
}

/** A key `GET /me` accepted, with the client it went through (the run reuses it). */
export interface ReadyKey {
	readonly key: VerifiedKey;
	readonly client: PivotalClient;
}

export interface Verified extends ReadyKey {
	readonly rowId: string;
	readonly secret: string;
	readonly isSaved: boolean;
}

export type KeyPhase =
	| { readonly kind: "choose"; readonly notice?: string; readonly isWarning?: boolean }
	| { readonly kind: "paste"; readonly problem?: string }
	| { readonly kind: "verifying"; readonly keys: readonly Pending[] }
	| { readonly kind: "verified"; readonly keys: readonly Verified[]; readonly notices: readonly string[] }
	| { readonly kind: "error"; readonly message: string; readonly isAuth: boolean };

/** What the list offers: a key, pasting one, forgetting the saved ones. */
export type KeyChoice =
	| { readonly kind: "row"; readonly row: KeyRow }
	| { readonly kind: "paste" }
	| { readonly kind: "forget-all" };

export interface KeyStepState {
	readonly phase: KeyPhase;
	/** Row ids ticked to verify together. */
	readonly ticked: ReadonlySet<string>;
	/** Keys pasted in this session (listed as rows), never written anywhere unless saved. */
	readonly pasted: readonly string[];
}

export type KeyStepAction =
	| { readonly type: "choose"; readonly notice?: string; readonly isWarning?: boolean }
	| { readonly type: "paste"; readonly problem?: string }
	| { readonly type: "toggle"; readonly rowId: string }
	/** A saved key forgotten (`rowId`), or every saved key (no `rowId`). */
	| { readonly type: "forgot"; readonly rowId?: string }
	/** Keys sent to `GET /me`; `pasted` is a new key pasted to be among them. */
	| { readonly type: "verify"; readonly keys: readonly Pending[]; readonly pasted?: string }
	/** `GET /me` answered for the keys being verified: `verifiedPhase` of the answers. */
	| { readonly type: "checked"; readonly phase: KeyPhase }
	| { readonly type: "saved"; readonly notices: readonly string[] }
	/** Back to choosing from the verified keys: `keep` leaves them ticked (to add another). */
	| { readonly type: "again"; readonly keep: boolean };

/** `isPool`: keys named on the command line (`--key-env` given more than once), meant together. */
export function initialKeyStep(rows: readonly KeyRow[], isPool: boolean): KeyStepState {
	const env = isPool ? rows.filter((r) => r.source === "env").map((r) => r.id) : [];
	return { phase: { kind: "choose" }, ticked: new Set(env), pasted: [] };
}

export function keyStepReducer(state: KeyStepState, action: KeyStepAction): KeyStepState {
	const { phase, ticked } = state;
	switch (action.type) {
		case "choose":
			return { ...state, phase: { kind: "choose", ...noticeOf(action) } };
		case "paste":
			return {
				...state,
				phase: action.problem ? { kind: "paste", problem: action.problem } : { kind: "paste" },
			};
		case "toggle": {
			const next = new Set(ticked);
			if (!next.delete(action.rowId)) next.add(action.rowId);
			return { ...state, ticked: next, phase: { kind: "choose" } };
		}
		case "forgot": {
			const { rowId } = action;
			const kept = [...ticked].filter((id) =>
				rowId === undefined ? !id.startsWith("saved:") : id !== rowId,
			);
			const notice = rowId === undefined ? "Saved keys forgotten." : "Key forgotten.";
			return { ...state, ticked: new Set(kept), phase: { kind: "choose", notice } };
		}
		case "verify":
			if (action.keys.length === 0) return state;
			return {
				...state,
				pasted: action.pasted === undefined ? state.pasted : [...state.pasted, action.pasted],
				phase: { kind: "verifying", keys: action.keys },
			};
		case "checked":
			return phase.kind === "verifying" ? { ...state, phase: action.phase } : state;
		case "saved":
			if (phase.kind !== "verified") return state;
			return {
				...state,
				phase: {
					...phase,
					keys: phase.keys.map((k) => ({ ...k, isSaved: true })),
					notices: [...new Set(action.notices)],
				},
			};
		case "again":
			if (phase.kind !== "verified") return state;
			return {
				...state,
				ticked: new Set(action.keep ? phase.keys.map((k) => k.rowId) : []),
				phase: { kind: "choose" },
			};
	}
}

/**
 * The keys verified, or why they cannot serve: a refused key first, then keys that cannot pool.
 * `checks` and `clients` are in the order of `keys`.
 */
export function verifiedPhase(
	keys: readonly Pending[],
	checks: readonly KeyCheck[],
	clients: readonly PivotalClient[],
	savedFingerprints: ReadonlySet<string>,
): KeyPhase {
	// Each failure names its key: with several ticked, the user must know which to untick (AB5).
	const named = (i: number) => {
		const check = checks[i];
		const message = check && !check.ok ? check.message : "";
		const label = maskKey(keys[i]?.secret ?? "");
		return asSentence(message.includes(label) ? message : `${label}: ${message}`);
	};
	const decided = poolChecked(checks);
	if ("refusedAt" in decided)
		return { kind: "error", message: named(decided.refusedAt), isAuth: decided.isAuth };
	const { verified, leftOutAt } = decided;
	const problem = keyPoolProblem(verified.map((v) => v.key));
	if (problem) return { kind: "error", message: problem, isAuth: false };
	return {
		kind: "verified",
		notices: leftOutAt.map(
			(i) =>
				`${named(i)} Left out: this run goes on with the other ${verified.length === 1 ? "key" : `${verified.length} keys`}.`,
		),
		keys: verified.map(({ key, at }) => ({
			key,
			client: clients[at] as PivotalClient,
			rowId: keys[at]?.rowId ?? "",
			secret: keys[at]?.secret ?? "",
			isSaved: savedFingerprints.has(key.fingerprint),
		})),
	};
}

function noticeOf(action: { readonly notice?: string; readonly isWarning?: boolean }) {
	return {
		...(action.notice === undefined ? {} : { notice: action.notice }),
		...(action.isWarning === undefined ? {} : { isWarning: action.isWarning }),
	};
}

/** What a key press means outside the list (the list's own keys are `listKeyIntent`'s). */
export type KeyIntent = "ready" | "save" | "add-another" | "start-over" | "choose-again" | "refused" | "back";

export function keyIntent(
	phase: KeyPhase,
	input: string,
	key: { readonly return?: boolean; readonly escape?: boolean },
): KeyIntent | undefined {
	switch (phase.kind) {
		case "verified":
			if (key.return) return phase.keys.length > 0 ? "ready" : undefined;
			if (input === "s") return phase.keys.some((k) => !k.isSaved) ? "save" : undefined;
			if (input === "a") return "add-another";
			return key.escape ? "start-over" : undefined;
		case "error":
			if (key.return || key.escape) return "choose-again";
			// q after a refused key is the user giving up on it (exit 4); else it is going back.
			if (input === "q") return phase.isAuth ? "refused" : "back";
			return undefined;
		case "paste":
			return key.escape ? "choose-again" : undefined;
		case "choose":
			return key.escape ? "back" : undefined;
		case "verifying":
			return undefined;
	}
}

/** What a key pressed on a highlighted key row means: tick, forget (saved), move to the keychain (saved in the file). */
export function listKeyIntent(row: KeyRow, input: string): "toggle" | "forget" | "move" | undefined {
	if (input === " ") return "toggle";
	if (input === "d" && row.source === "saved") return "forget";
	if (input === "m" && row.source === "saved" && row.where === "file") return "move";
	return undefined;
}

/** A pasted key: nothing (empty), why not (its shape), or the rows to verify with it (a new one `pasted`). */
export type PasteDecision =
	| { readonly kind: "none" }
	| { readonly kind: "problem"; readonly problem: string }
	| { readonly kind: "verify"; readonly rows: readonly KeyRow[]; readonly pasted?: Pending };

export function pasteDecision(
	value: string,
	rows: readonly KeyRow[],
	ticked: ReadonlySet<string>,
): PasteDecision {
	const secret = value.trim();
	if (!secret) return { kind: "none" };
	const problem = validateKeyShape(secret);
	if (problem) return { kind: "problem", problem };
	const fingerprint = keyFingerprint(secret);
	const existing = rows.find((r) => r.fingerprint === fingerprint);
	const chosen = rowsToVerify(rows, ticked, existing?.id);
	// A key already listed is verified from its row; only a new one is added to the pasted rows.
	return existing
		? { kind: "verify", rows: chosen }
		: { kind: "verify", rows: chosen, pasted: { rowId: `pasted:${fingerprint}`, secret } };
}
