import { PasswordInput, Spinner } from "@inkjs/ui";
import { Box, Text, useInput } from "ink";
import { maskKey } from "../../api/key.js";
import type { PivotalClient } from "../../api/types.js";
import type { Settings } from "../../config/settings.js";
import { escapeControlsKeepingLines } from "../../model/terminal-text.js";
import { ChoiceList } from "../components/ChoiceList.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { type KeyReady, useKeyStep } from "../hooks/use-key-step.js";
import { useTheme } from "../hooks/use-theme.js";
import { windowLabel } from "../model/format.js";
import type { EnvKey } from "../model/key-choices.js";
import { VerifiedKeys } from "./VerifiedKeys.js";

export type { KeyReady } from "../hooks/use-key-step.js";
export type { ReadyKey } from "../model/key-step-state.js";

export interface KeyStepProps {
	/** Keys in the environment: `PIVOTAL_API_KEY`, or the variables `--key-env` named. */
	readonly envKeys: readonly EnvKey[];
	readonly settings: Settings;
	readonly createClient: (apiKey: string, others?: readonly string[]) => PivotalClient;
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
	// The decisions are `keyStepReducer`'s, the effects `useKeyStep`'s: this only draws them.
	const { phase, choices, choose, submitPasted, onListKey, onKey } = useKeyStep({
		envKeys,
		settings,
		createClient,
		onReady,
		onBack,
		onRefused,
	});
	useInput(onKey, { isActive: isActive && phase.kind !== "verifying" });

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
					<Text {...theme.tint("error")}>{escapeControlsKeepingLines(phase.message)}</Text>
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
