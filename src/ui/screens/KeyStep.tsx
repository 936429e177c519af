import { PasswordInput, Spinner } from "@inkjs/ui";
import { Box, Text, useInput } from "ink";
import { useEffect, useMemo, useState } from "react";
import { keyFingerprint, maskKey, validateKeyShape } from "../../api/key.js";
import type { PivotalClient } from "../../api/types.js";
import type { Settings } from "../../config/settings.js";
import { type Choice, ChoiceList } from "../components/ChoiceList.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTheme } from "../hooks/use-theme.js";
import { windowLabel } from "../model/format.js";
import { type EnvKey, type KeyRow, keyRows, rowsToVerify } from "../model/key-choices.js";
import { keyPoolProblem, type VerifiedKey, verifyKeys } from "../model/verify-key.js";
import { VerifiedKeys } from "./VerifiedKeys.js";

/** A key on its way to `GET /me`: the secret, and the row it came from. */
interface Pending {
	readonly rowId: string;
	readonly secret: string;
}

/** A key `GET /me` accepted, with the client it went through (the run reuses it). */
export interface ReadyKey {
	readonly key: VerifiedKey;
	readonly client: PivotalClient;
}

interface Verified extends ReadyKey {
	readonly rowId: string;
	readonly secret: string;
	readonly isSaved: boolean;
}

type Phase =
	| { readonly kind: "choose"; readonly notice?: string; readonly isWarning?: boolean }
	| { readonly kind: "paste"; readonly problem?: string }
	| { readonly kind: "verifying"; readonly keys: readonly Pending[] }
	| { readonly kind: "verified"; readonly keys: readonly Verified[]; readonly notices: readonly string[] }
	| { readonly kind: "error"; readonly message: string; readonly isAuth: boolean };

type KeyChoice =
	| { readonly kind: "row"; readonly row: KeyRow }
	| { readonly kind: "paste" }
	| { readonly kind: "forget-all" };

export interface KeyReady {
	/** The first key (the checkpoint records its fingerprint first). */
	readonly key: VerifiedKey;
	readonly client: PivotalClient;
	/** Every chosen key, the first included, all of one workspace. */
	readonly keys: readonly ReadyKey[];
}

export interface KeyStepProps {
	/** Keys in the environment: `PIVOTAL_API_KEY`, or the variables `--key-env` named. */
	readonly envKeys: readonly EnvKey[];
	readonly settings: Settings;
	readonly createClient: (apiKey: string) => PivotalClient;
	/** The run being resumed: a key last used for another run is warned about. */
	readonly runId?: string | undefined;
	/** The server's rate-limit window, to say "600/min". @default 60000 */
	readonly windowMs?: number | undefined;
	readonly onReady: (ready: KeyReady) => void;
	readonly onBack?: (() => void) | undefined;
	/** The user gave up after the server refused a key (exit 4). */
	readonly onRefused?: (() => void) | undefined;
}

/**
 * Tick one or more keys (environment, saved, pasted; shown masked only), verify each with
 * `GET /me`, refuse keys of different workspaces, show who they are.
 */
export function KeyStep({
	envKeys,
	settings,
	createClient,
	runId,
	windowMs,
	onReady,
	onBack,
	onRefused,
}: KeyStepProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const [saved, setSaved] = useState(() => settings.keys.list());
	const [pasted, setPasted] = useState<readonly string[]>([]);
	const rows = useMemo(() => keyRows(envKeys, saved, pasted), [envKeys, saved, pasted]);
	// Keys named on the command line (`--key-env` given more than once) are meant together.
	const [ticked, setTicked] = useState<ReadonlySet<string>>(
		() => new Set(envKeys.length > 1 ? rows.filter((r) => r.source === "env").map((r) => r.id) : []),
	);
	const [phase, setPhase] = useState<Phase>({ kind: "choose" });

	useEffect(() => {
		if (phase.kind !== "verifying") return;
		const controller = new AbortController();
		const clients = phase.keys.map((k) => createClient(k.secret));
		const closeAll = () => {
			for (const client of clients) void client.close();
		};
		const entries = phase.keys.map((k, i) => ({ secret: k.secret, client: clients[i] as PivotalClient }));
		verifyKeys(entries, controller.signal).then((checks) => {
			if (controller.signal.aborted) return;
			const failed = checks.find((c) => !c.ok && c.isAuth) ?? checks.find((c) => !c.ok);
			if (failed && !failed.ok) {
				closeAll();
				return setPhase({ kind: "error", message: failed.message, isAuth: failed.isAuth });
			}
			const verified = checks.flatMap((c, i) => (c.ok ? [{ check: c.key, i }] : []));
			const problem = keyPoolProblem(verified.map((v) => v.check));
			if (problem) {
				closeAll();
				return setPhase({ kind: "error", message: problem, isAuth: false });
			}
			const savedNow = new Set(settings.keys.list().map((k) => k.fingerprint));
			setPhase({
				kind: "verified",
				notices: [],
				keys: verified.map(({ check, i }) => ({
					key: check,
					client: clients[i] as PivotalClient,
					rowId: phase.keys[i]?.rowId ?? "",
					secret: phase.keys[i]?.secret ?? "",
					isSaved: savedNow.has(check.fingerprint),
				})),
			});
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

	const verify = (chosen: readonly KeyRow[], extra: readonly Pending[] = []) => {
		const keys: Pending[] = [];
		for (const row of chosen) {
			const found = secretOf(row);
			if ("problem" in found) return setPhase({ kind: "choose", notice: found.problem, isWarning: true });
			keys.push({ rowId: row.id, secret: found.secret });
		}
		keys.push(...extra);
		if (keys.length > 0) setPhase({ kind: "verifying", keys });
	};

	const choose = (choice: KeyChoice) => {
		switch (choice.kind) {
			case "row":
				return verify(rowsToVerify(rows, ticked, choice.row.id));
			case "paste":
				return setPhase({ kind: "paste" });
			case "forget-all":
				settings.keys.forgetAll();
				refreshSaved();
				setTicked(new Set([...ticked].filter((id) => !id.startsWith("saved:"))));
				return setPhase({ kind: "choose", notice: "Saved keys forgotten." });
		}
	};

	const submitPasted = (value: string) => {
		const secret = value.trim();
		if (!secret) return;
		const problem = validateKeyShape(secret);
		if (problem) return setPhase({ kind: "paste", problem });
		const fingerprint = keyFingerprint(secret);
		const existing = rows.find((r) => r.fingerprint === fingerprint);
		const chosen = rowsToVerify(rows, ticked, existing?.id);
		if (existing) return verify(chosen);
		setPasted([...pasted, secret]);
		verify(chosen, [{ rowId: `pasted:${fingerprint}`, secret }]);
	};

	const onListKey = (input: string, highlighted: KeyChoice | undefined) => {
		if (highlighted?.kind !== "row") return;
		const { row } = highlighted;
		if (input === " ") {
			const next = new Set(ticked);
			if (!next.delete(row.id)) next.add(row.id);
			setTicked(next);
			setPhase({ kind: "choose" });
		} else if (input === "d" && row.source === "saved") {
			settings.keys.forget(row.fingerprint);
			refreshSaved();
			setTicked(new Set([...ticked].filter((id) => id !== row.id)));
			setPhase({ kind: "choose", notice: "Key forgotten." });
		} else if (input === "m" && row.source === "saved" && row.where === "file") {
			const moved = settings.keys.moveToKeychain(row.fingerprint);
			refreshSaved();
			if (moved)
				setPhase({ kind: "choose", notice: moved.notice, isWarning: moved.saved.where !== "keychain" });
		}
	};

	useInput(
		(input, key) => {
			if (phase.kind === "verified") {
				const [first] = phase.keys;
				if (key.return && first) {
					onReady({
						key: first.key,
						client: first.client,
						keys: phase.keys.map(({ key: k, client }) => ({ key: k, client })),
					});
				} else if (input === "s" && phase.keys.some((k) => !k.isSaved)) {
					const notices = phase.keys
						.filter((k) => !k.isSaved)
						.map((k) => settings.keys.save(k.secret).notice);
					refreshSaved();
					setPhase({
						...phase,
						keys: phase.keys.map((k) => ({ ...k, isSaved: true })),
						notices: [...new Set(notices)],
					});
				} else if (input === "a" || key.escape) {
					for (const k of phase.keys) void k.client.close();
					// `a` keeps these keys ticked to add another; Esc starts the choice over.
					setTicked(new Set(input === "a" ? phase.keys.map((k) => k.rowId) : []));
					setPhase({ kind: "choose" });
				}
			} else if (phase.kind === "error") {
				if (key.return || key.escape) setPhase({ kind: "choose" });
				else if (input === "q") (phase.isAuth ? onRefused : onBack)?.();
			} else if (phase.kind === "paste" && key.escape) setPhase({ kind: "choose" });
			else if (phase.kind === "choose" && key.escape) onBack?.();
		},
		{ isActive: isActive && phase.kind !== "verifying" },
	);

	const choices: Choice<KeyChoice>[] = [
		...rows.map((row) => ({
			value: { kind: "row", row } as const,
			label: `${ticked.has(row.id) ? "[x]" : "[ ]"} ${row.label}`,
			...(row.hint ? { hint: row.hint } : {}),
		})),
		{ value: { kind: "paste" }, label: "Paste a key…" },
		...(saved.length > 0 ? [{ value: { kind: "forget-all" } as const, label: "Forget all saved keys" }] : []),
	];

	return (
		<Box flexDirection="column">
			<StepHeader
				title="API key"
				step="2/4"
				subtitle="Keys are never shown: only their prefix and last 4 characters."
			/>
			{phase.kind === "choose" ? (
				<>
					<ChoiceList
						choices={choices}
						onSelect={choose}
						isActive={isActive}
						onKey={(input, _key, highlighted) => onListKey(input, highlighted)}
					/>
					{phase.notice ? <Text {...theme.tint(phase.isWarning ? "warn" : "ok")}>{phase.notice}</Text> : null}
					<Box marginTop={1} flexDirection="column">
						<Text dimColor>Space tick several keys of one workspace: their limits add up.</Text>
						<Text dimColor>↑/↓ move · Enter verify the ticked and highlighted keys · Esc back</Text>
					</Box>
				</>
			) : null}
			{phase.kind === "paste" ? (
				<>
					<Text>
						Paste the key (Admin &gt; API Keys), then Enter:{" "}
						<PasswordInput isDisabled={!isActive} onSubmit={submitPasted} />
					</Text>
					{phase.problem ? <Text {...theme.tint("error")}>{phase.problem}</Text> : null}
					<Text dimColor>Esc back</Text>
				</>
			) : null}
			{phase.kind === "verifying" ? (
				<Spinner label={`Checking ${phase.keys.map((k) => maskKey(k.secret)).join(", ")} with GET /me…`} />
			) : null}
			{phase.kind === "error" ? (
				<>
					<Text {...theme.tint("error")}>{phase.message}</Text>
					<Text dimColor>Enter choose again · q quit</Text>
				</>
			) : null}
			{phase.kind === "verified" ? (
				<VerifiedKeys
					keys={phase.keys.map((k) => ({
						key: k.key,
						isSaved: k.isSaved,
						lastRun: settings.runFor(k.key.fingerprint),
					}))}
					notices={phase.notices}
					runId={runId}
					window={windowLabel(windowMs ?? phase.keys[0]?.key.windowMs ?? 60_000)}
				/>
			) : null}
		</Box>
	);
}
