import { PasswordInput, Spinner } from "@inkjs/ui";
import { Box, Text, useInput } from "ink";
import { useEffect, useState } from "react";
import { maskKey } from "../../api/key.js";
import type { PivotalClient } from "../../api/types.js";
import type { Settings } from "../../config/settings.js";
import { type Choice, ChoiceList } from "../components/ChoiceList.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTheme } from "../hooks/use-theme.js";
import { formatCount, windowLabel } from "../model/format.js";
import { type VerifiedKey, verifyKey } from "../model/verify-key.js";

type Source = "env" | "saved" | "pasted";

type Phase =
	| { readonly kind: "choose"; readonly notice?: string }
	| { readonly kind: "paste" }
	| { readonly kind: "verifying"; readonly secret: string; readonly source: Source }
	| {
			readonly kind: "verified";
			readonly secret: string;
			readonly source: Source;
			readonly key: VerifiedKey;
			readonly client: PivotalClient;
			readonly isSaved: boolean;
	  }
	| { readonly kind: "error"; readonly message: string; readonly isAuth: boolean };

type KeyChoice =
	| { readonly kind: "env" }
	| { readonly kind: "saved"; readonly fingerprint: string }
	| { readonly kind: "paste" }
	| { readonly kind: "forget-all" };

export interface KeyReady {
	readonly secret: string;
	readonly key: VerifiedKey;
	/** The client `GET /me` went through; the run reuses it. */
	readonly client: PivotalClient;
}

export interface KeyStepProps {
	/** `PIVOTAL_API_KEY`, when set. */
	readonly envKey: string | undefined;
	readonly settings: Settings;
	readonly createClient: (apiKey: string) => PivotalClient;
	/** The run being resumed: a key last used for another run is warned about. */
	readonly runId?: string | undefined;
	/** The server's rate-limit window, to say "600/min". @default 60000 */
	readonly windowMs?: number | undefined;
	readonly onReady: (ready: KeyReady) => void;
	readonly onBack?: (() => void) | undefined;
	/** The user gave up after the server refused the key (exit 4). */
	readonly onRefused?: (() => void) | undefined;
}

/** Pick or paste the key (shown masked only), verify it with `GET /me`, show who it is. */
export function KeyStep({
	envKey,
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
	const [saved, setSaved] = useState(() => settings.savedKeys());
	const [phase, setPhase] = useState<Phase>({ kind: "choose" });

	useEffect(() => {
		if (phase.kind !== "verifying") return;
		const controller = new AbortController();
		const client = createClient(phase.secret);
		verifyKey(client, phase.secret, controller.signal).then((result) => {
			if (controller.signal.aborted) return;
			if (result.ok) {
				setPhase({
					kind: "verified",
					secret: phase.secret,
					source: phase.source,
					key: result.key,
					client,
					isSaved: phase.source === "saved",
				});
			} else {
				void client.close();
				setPhase({ kind: "error", message: result.message, isAuth: result.isAuth });
			}
		});
		return () => controller.abort();
	}, [phase, createClient]);

	const choose = (choice: KeyChoice) => {
		switch (choice.kind) {
			case "env":
				if (envKey) setPhase({ kind: "verifying", secret: envKey, source: "env" });
				return;
			case "saved": {
				const secret = settings.keyFor(choice.fingerprint);
				if (secret) setPhase({ kind: "verifying", secret, source: "saved" });
				return;
			}
			case "paste":
				setPhase({ kind: "paste" });
				return;
			case "forget-all":
				settings.forgetAllKeys();
				setSaved(settings.savedKeys());
				setPhase({ kind: "choose", notice: "Saved keys forgotten." });
				return;
		}
	};

	useInput(
		(input, key) => {
			if (phase.kind === "verified") {
				if (key.return) onReady({ secret: phase.secret, key: phase.key, client: phase.client });
				else if (input === "s" && !phase.isSaved) {
					settings.saveKey(phase.secret);
					setSaved(settings.savedKeys());
					setPhase({ ...phase, isSaved: true });
				} else if (key.escape) {
					void phase.client.close();
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
		...(envKey ? [{ value: { kind: "env" } as const, label: `PIVOTAL_API_KEY ${maskKey(envKey)}` }] : []),
		...saved.map((k) => ({
			value: { kind: "saved", fingerprint: k.fingerprint } as const,
			label: `saved ${k.masked}`,
			hint: `saved ${k.savedAt.slice(0, 10)} · d forget`,
		})),
		{ value: { kind: "paste" }, label: "Paste a key…" },
		...(saved.length > 0 ? [{ value: { kind: "forget-all" } as const, label: "Forget all saved keys" }] : []),
	];

	return (
		<Box flexDirection="column">
			<StepHeader
				title="API key"
				step="2/4"
				subtitle="The key is never shown: only its prefix and last 4 characters."
			/>
			{phase.kind === "choose" ? (
				<>
					<ChoiceList
						choices={choices}
						onSelect={choose}
						isActive={isActive}
						onKey={(input, _key, highlighted) => {
							if (input === "d" && highlighted?.kind === "saved") {
								settings.forgetKey(highlighted.fingerprint);
								setSaved(settings.savedKeys());
								setPhase({ kind: "choose", notice: "Key forgotten." });
							}
						}}
					/>
					{phase.notice ? <Text {...theme.tint("ok")}>{phase.notice}</Text> : null}
					<Box marginTop={1}>
						<Text dimColor>↑/↓ move · Enter choose · d forget a saved key · Esc back</Text>
					</Box>
				</>
			) : null}
			{phase.kind === "paste" ? (
				<>
					<Text>
						Paste the key (Admin &gt; API Keys), then Enter:{" "}
						<PasswordInput
							isDisabled={!isActive}
							onSubmit={(value) => {
								const secret = value.trim();
								if (secret) setPhase({ kind: "verifying", secret, source: "pasted" });
							}}
						/>
					</Text>
					<Text dimColor>Esc back</Text>
				</>
			) : null}
			{phase.kind === "verifying" ? (
				<Spinner label={`Checking ${maskKey(phase.secret)} with GET /me…`} />
			) : null}
			{phase.kind === "error" ? (
				<>
					<Text {...theme.tint("error")}>{phase.message}</Text>
					<Text dimColor>Enter try another key · q quit</Text>
				</>
			) : null}
			{phase.kind === "verified" ? (
				<VerifiedPanel
					phase={phase}
					runId={runId}
					lastRun={settings.runFor(phase.key.fingerprint)}
					window={windowLabel(windowMs ?? phase.key.windowMs ?? 60_000)}
				/>
			) : null}
		</Box>
	);
}

function VerifiedPanel({
	phase,
	runId,
	lastRun,
	window,
}: {
	readonly window: string;
	readonly phase: Extract<Phase, { kind: "verified" }>;
	readonly runId: string | undefined;
	readonly lastRun: string | undefined;
}) {
	const theme = useTheme();
	const { key } = phase;
	const isOtherRun = lastRun !== undefined && lastRun !== runId;
	return (
		<Box flexDirection="column">
			<Text>
				<Text {...theme.tint("ok")}>✓</Text> {key.masked} · workspace <Text bold>{key.workspace}</Text> · key
				“{key.keyName}”
			</Text>
			<Text>
				{"  "}
				{key.isTest ? "test key (no outbound side effects)" : "LIVE key (real writes)"} · limit{" "}
				{formatCount(key.limit)}/{window} · tier {key.tier}
			</Text>
			{isOtherRun ? (
				<Text {...theme.tint("warn")}>
					! This key was last used for another bulk run ({lastRun}). Pivotal advises one key per bulk run.
				</Text>
			) : null}
			{phase.isSaved && phase.source !== "saved" ? (
				<Text {...theme.tint("ok")}>Saved (settings file, mode 0600).</Text>
			) : null}
			<Box marginTop={1}>
				<Text dimColor>
					Enter continue{phase.isSaved ? "" : " · s save this key in settings (0600)"} · Esc another key
				</Text>
			</Box>
		</Box>
	);
}
