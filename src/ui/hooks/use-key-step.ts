/**
 * The key step's effects around its pure reducer (`keyStepReducer`): `GET /me` for the keys
 * being verified (their clients closed when they are not kept), and the key store (read a
 * saved secret, save, forget, move to the keychain). The screen only draws what this returns.
 */

import { useEffect, useMemo, useReducer, useState } from "react";
import { keyFingerprint } from "../../api/key.js";
import type { PivotalClient } from "../../api/types.js";
import type { Settings } from "../../config/settings.js";
import type { Choice } from "../components/ChoiceList.js";
import { type EnvKey, type KeyRow, keyRows, rowsToVerify } from "../model/key-choices.js";
import {
	initialKeyStep,
	type KeyChoice,
	type KeyPhase,
	keyIntent,
	keyStepReducer,
	listKeyIntent,
	type Pending,
	pasteDecision,
	type ReadyKey,
	verifiedPhase,
} from "../model/key-step-state.js";
import { type VerifiedKey, verifyKeys } from "../model/verify-key.js";

export interface KeyReady {
	/** The first key (the checkpoint records its fingerprint first). */
	readonly key: VerifiedKey;
	readonly client: PivotalClient;
	/** Every chosen key, the first included, all of one workspace. */
	readonly keys: readonly ReadyKey[];
}

export interface KeyStepInput {
	readonly envKeys: readonly EnvKey[];
	readonly settings: Settings;
	readonly createClient: (apiKey: string, others?: readonly string[]) => PivotalClient;
	readonly onReady: (ready: KeyReady) => void;
	readonly onBack?: (() => void) | undefined;
	readonly onRefused?: (() => void) | undefined;
}

export interface KeyStepModel {
	readonly phase: KeyPhase;
	readonly choices: readonly Choice<KeyChoice>[];
	choose(choice: KeyChoice): void;
	submitPasted(value: string): void;
	/** A key pressed on the list, with the highlighted choice. */
	onListKey(input: string, highlighted: KeyChoice | undefined): void;
	/** A key pressed anywhere else on the step. */
	onKey(input: string, key: { readonly return?: boolean; readonly escape?: boolean }): void;
}

export function useKeyStep({
	envKeys,
	settings,
	createClient,
	onReady,
	onBack,
	onRefused,
}: KeyStepInput): KeyStepModel {
	const [saved, setSaved] = useState(() => settings.keys.list());
	const [state, dispatch] = useReducer(keyStepReducer, undefined, () =>
		initialKeyStep(keyRows(envKeys, saved, []), envKeys.length > 1),
	);
	const { phase, ticked, pasted } = state;
	const rows = useMemo(() => keyRows(envKeys, saved, pasted), [envKeys, saved, pasted]);

	useEffect(() => {
		if (phase.kind !== "verifying") return;
		const controller = new AbortController();
		// Each client masks the whole pool's keys in what it keeps: a server may echo any of them.
		const secrets = phase.keys.map((k) => k.secret);
		const clients = phase.keys.map((k) =>
			createClient(
				k.secret,
				secrets.filter((s) => s !== k.secret),
			),
		);
		const entries = phase.keys.map((k, i) => ({ secret: k.secret, client: clients[i] as PivotalClient }));
		verifyKeys(entries, controller.signal).then((checks) => {
			if (controller.signal.aborted) return;
			const savedFingerprints = new Set(settings.keys.list().map((k) => k.fingerprint));
			const next = verifiedPhase(phase.keys, checks, clients, savedFingerprints);
			// Only verified keys keep their clients (the run reuses them).
			if (next.kind !== "verified") for (const client of clients) void client.close();
			dispatch({ type: "checked", phase: next });
		});
		return () => controller.abort();
	}, [phase, createClient, settings]);

	const refreshSaved = () => setSaved(settings.keys.list());

	/** The secret behind a row; a saved key whose store does not answer says why instead. */
	const secretOf = (row: KeyRow): { secret: string } | { problem: string } => {
		if (row.source === "saved") {
			const read = settings.keys.read(row.fingerprint);
			return read.ok ? { secret: read.secret } : { problem: read.message };
		}
		const pool = row.source === "env" ? envKeys.map((k) => k.secret) : pasted;
		const secret = pool.find((s) => keyFingerprint(s) === row.fingerprint);
		return secret === undefined ? { problem: "That key is no longer available." } : { secret };
	};

	const verify = (chosen: readonly KeyRow[], extra?: Pending) => {
		const keys: Pending[] = [];
		for (const row of chosen) {
			const found = secretOf(row);
			if ("problem" in found) return dispatch({ type: "choose", notice: found.problem, isWarning: true });
			keys.push({ rowId: row.id, secret: found.secret });
		}
		if (extra) keys.push(extra);
		dispatch({ type: "verify", keys, ...(extra ? { pasted: extra.secret } : {}) });
	};

	const choose = (choice: KeyChoice) => {
		switch (choice.kind) {
			case "row":
				return verify(rowsToVerify(rows, ticked, choice.row.id));
			case "paste":
				return dispatch({ type: "paste" });
			case "forget-all":
				settings.keys.forgetAll();
				refreshSaved();
				return dispatch({ type: "forgot" });
		}
	};

	const submitPasted = (value: string) => {
		const decision = pasteDecision(value, rows, ticked);
		if (decision.kind === "problem") dispatch({ type: "paste", problem: decision.problem });
		else if (decision.kind === "verify") verify(decision.rows, decision.pasted);
	};

	const onListKey = (input: string, highlighted: KeyChoice | undefined) => {
		if (highlighted?.kind !== "row") return;
		const { row } = highlighted;
		switch (listKeyIntent(row, input)) {
			case "toggle":
				return dispatch({ type: "toggle", rowId: row.id });
			case "forget":
				settings.keys.forget(row.fingerprint);
				refreshSaved();
				return dispatch({ type: "forgot", rowId: row.id });
			case "move": {
				const moved = settings.keys.moveToKeychain(row.fingerprint);
				refreshSaved();
				if (moved)
					dispatch({ type: "choose", notice: moved.notice, isWarning: moved.saved.where !== "keychain" });
				return;
			}
			default:
				return;
		}
	};

	const onKey = (input: string, key: { readonly return?: boolean; readonly escape?: boolean }) => {
		const intent = keyIntent(phase, input, key);
		switch (intent) {
			case "ready": {
				if (phase.kind !== "verified") return;
				const [first] = phase.keys;
				if (first)
					onReady({
						key: first.key,
						client: first.client,
						keys: phase.keys.map(({ key: k, client }) => ({ key: k, client })),
					});
				return;
			}
			case "save": {
				if (phase.kind !== "verified") return;
				const notices = phase.keys.filter((k) => !k.isSaved).map((k) => settings.keys.save(k.secret).notice);
				refreshSaved();
				return dispatch({ type: "saved", notices });
			}
			case "add-another":
			case "start-over":
				if (phase.kind !== "verified") return;
				for (const k of phase.keys) void k.client.close();
				// `a` keeps these keys ticked to add another; Esc starts the choice over.
				return dispatch({ type: "again", keep: intent === "add-another" });
			case "choose-again":
				return dispatch({ type: "choose" });
			case "refused":
				return onRefused?.();
			case "back":
				return onBack?.();
			case undefined:
				return;
		}
	};

	const choices: Choice<KeyChoice>[] = [
		...rows.map((row) => ({
			value: { kind: "row", row } as const,
			label: `${ticked.has(row.id) ? "[x]" : "[ ]"} ${row.label}`,
			...(row.hint ? { hint: row.hint } : {}),
		})),
		{ value: { kind: "paste" }, label: "Paste a key…" },
		...(saved.length > 0 ? [{ value: { kind: "forget-all" } as const, label: "Forget all saved keys" }] : []),
	];

	return { phase, choices, choose, submitPasted, onListKey, onKey };
}
