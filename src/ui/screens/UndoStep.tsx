import { Spinner, TextInput } from "@inkjs/ui";
import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import { estimateDurationMs } from "../../core/estimate.js";
import { escapeControlsKeepingLines } from "../../model/terminal-text.js";
import { KeyHints } from "../components/KeyHints.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTheme } from "../hooks/use-theme.js";
import { cell, formatCount, formatDuration, rcell, windowLabel } from "../model/format.js";
import {
	confirmationWord,
	createsInDoubtNote,
	isConfirmed,
	keptNote,
	landedNotFoundNote,
	passedOverNote,
	RESTORE_NOTES,
	recreateCounts,
	restoredFields,
	runsLabel,
	UNDO_COLUMNS,
	undoRequests,
	undoRows,
	undoTotal,
} from "../model/undo-view.js";
import type { VerifiedKey } from "../model/verify-key.js";
import type { UndoCheck } from "../model/wizard-state.js";
import type { UndoPreview } from "../services.js";

export interface UndoStepProps {
	readonly check: UndoCheck;
	/** The key the import ran with: the undo goes through it. */
	readonly keyInfo: VerifiedKey;
	/** The window when told; else what the key's `GET /me` suggested. @default 60000 */
	readonly windowMs?: number | undefined;
	readonly concurrency: number;
	readonly onConfirm: () => void;
	/** Back to the summary: nothing was sent. */
	readonly onBack: () => void;
}

/**
 * What undoing the last run deletes and puts back, then a confirmation typed out: the
 * workspace's name for a live key, `yes` for a test key. Nothing is sent before it.
 */
export function UndoStep({ check, keyInfo, windowMs: told, concurrency, onConfirm, onBack }: UndoStepProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const windowMs = told ?? keyInfo.windowMs ?? 60_000;
	const window = windowLabel(windowMs);
	const isReady = check.kind === "checked" && undoTotal(check.preview.plan) > 0;
	useInput(
		(_input, key) => {
			if (key.escape) onBack();
		},
		{ isActive },
	);
	return (
		<Box flexDirection="column">
			<StepHeader
				title="Undo"
				subtitle={`${keyInfo.masked} · ${keyInfo.workspace} · ${keyInfo.isTest ? "test" : "LIVE"} · ${formatCount(keyInfo.limit)}/${window}`}
			/>
			{check.kind === "checking" ? <Spinner label="Reading what the last run did…" /> : null}
			{check.kind === "error" ? (
				<Text {...theme.tint("error")}>{escapeControlsKeepingLines(check.message)}</Text>
			) : null}
			{check.kind === "checked" && !isReady ? (
				<Text wrap="wrap">
					{keptNote(check.preview.plan) ??
						"Nothing to undo: no run of this import created or changed a record that is still there."}
				</Text>
			) : null}
			{check.kind === "checked" && isReady ? (
				<UndoPlanBody
					preview={check.preview}
					keyInfo={keyInfo}
					windowMs={windowMs}
					window={window}
					concurrency={concurrency}
					onConfirm={onConfirm}
				/>
			) : null}
			<Box marginTop={1}>
				<KeyHints hints={[...(isReady ? ([["Enter", "undo"]] as const) : []), ["Esc", "back"]]} />
			</Box>
		</Box>
	);
}

function UndoPlanBody({
	preview,
	keyInfo,
	windowMs,
	window,
	concurrency,
	onConfirm,
}: {
	readonly preview: UndoPreview;
	readonly keyInfo: VerifiedKey;
	readonly windowMs: number;
	readonly window: string;
	readonly concurrency: number;
	readonly onConfirm: () => void;
}) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	// What was typed, and the text refused last: the refusal shows until the text changes.
	// (The input calls onChange again on every render with a new handler, so it gets a stable one.)
	const [typed, setTyped] = useState("");
	const [refused, setRefused] = useState<string>();
	const isStarted = useRef(false);
	const isRefused = refused !== undefined && refused === typed;
	const { plan } = preview;
	const workspace = preview.workspace ?? keyInfo.workspace;
	// The state names its workspace; the key's GET /me does too, and the engine refuses a key
	// whose workspace is not the state's, so either is where the records are.
	const word = confirmationWord(keyInfo.isTest, workspace);
	const fields = restoredFields(plan);
	const passedOver = passedOverNote(plan, preview.lastRun);
	const recreates = recreateCounts(plan).reduce((n, r) => n + r.count, 0);
	const inDoubt = createsInDoubtNote(preview.createsInDoubt ?? 0, preview.interrupted);
	const kept = keptNote(plan);
	const landed = landedNotFoundNote(preview.landedNotFound ?? 0, preview.createsInDoubt ?? 0);
	const areAllLanded = landed !== undefined && (preview.landedNotFound ?? 0) >= (preview.createsInDoubt ?? 0);
	const requests = undoRequests(plan);
	const [pass, del, restore] = UNDO_COLUMNS;
	const estimate = estimateDurationMs({ requests, limit: keyInfo.limit, windowMs, concurrency });
	return (
		<Box flexDirection="column">
			<Text bold>
				Undo of {runsLabel(plan.runs)} in the workspace {workspace}:
			</Text>
			{passedOver === undefined ? null : <Text>{passedOver}</Text>}
			<Text dimColor>
				{cell(pass[0], pass[1])}
				{rcell(del[0], del[1])}
				{rcell(restore[0], restore[1])}
			</Text>
			{undoRows(plan).map((row) => (
				<Text key={row.pass}>
					{cell(row.pass, pass[1])}
					{rcell(formatCount(row.delete), del[1])}
					{rcell(formatCount(row.restore), restore[1])}
				</Text>
			))}
			{fields.length > 0 ? (
				<>
					<Text>fields put back: {fields.join(", ")}</Text>
					{RESTORE_NOTES.map((note) => (
						<Text key={note} dimColor>{`  ${note}`}</Text>
					))}
				</>
			) : null}
			{plan.counts.customers.delete > 0 ? (
				<>
					<Text {...theme.tint("warn")}>
						⚠ Deleting {formatCount(plan.counts.customers.delete)}{" "}
						{plan.counts.customers.delete === 1 ? "customer" : "customers"}: contacts or onboardings others
						added
					</Text>
					<Text {...theme.tint("warn")}>{"  under them drop out of Pivotal's lists with them."}</Text>
				</>
			) : null}
			{recreates > 0 ? (
				<Text {...theme.tint("warn")} wrap="wrap">
					Re-creating {formatCount(recreates)} {recreates === 1 ? "record" : "records"} a sync deleted
					(--delete-missing): Pivotal has no undelete, so they get new ids.
				</Text>
			) : null}
			{inDoubt === undefined || areAllLanded ? null : (
				<Text {...theme.tint("warn")} wrap="wrap">
					⚠ {inDoubt} To take {preview.createsInDoubt === 1 ? "it" : "them"} back too, go back (Esc) and run
					the import again first: it looks {preview.createsInDoubt === 1 ? "it" : "them"} up and records what
					it finds; then undo.
				</Text>
			)}
			{inDoubt === undefined || !areAllLanded ? null : (
				<Text {...theme.tint("warn")} wrap="wrap">
					⚠ {inDoubt}
				</Text>
			)}
			{landed === undefined ? null : (
				<Text {...theme.tint("warn")} wrap="wrap">
					{`  ${landed}`}
				</Text>
			)}
			{kept === undefined ? null : (
				<Text {...theme.tint("warn")} wrap="wrap">
					⚠ {kept}
				</Text>
			)}
			<Text dimColor>Records found in Pivotal and adopted by the import are never deleted.</Text>
			<Box marginTop={1}>
				<Text>
					requests ≤ {formatCount(requests)} · at {formatCount(keyInfo.limit)}/{window} ≈{" "}
					<Text bold>{formatDuration(estimate)}</Text>
				</Text>
			</Box>
			<Box marginTop={1} flexDirection="column">
				<Text>
					{word === "yes" ? (
						<>
							Type <Text bold>yes</Text> to undo:{" "}
						</>
					) : (
						<>
							Type the workspace name, <Text bold>{word}</Text>, to undo:{" "}
						</>
					)}
				</Text>
				<Box>
					<Text {...theme.tint("accent")}>› </Text>
					<TextInput
						isDisabled={!isActive}
						onChange={setTyped}
						onSubmit={(value) => {
							if (!isConfirmed(value, word)) return setRefused(value);
							// Once: a second Enter in the same read would start a second undo (finding Z10).
							if (isStarted.current) return;
							isStarted.current = true;
							onConfirm();
						}}
					/>
				</Box>
				{isRefused ? (
					<Text {...theme.tint("error")}>
						{word === "yes" ? "That is not yes" : "That is not the workspace name"}; nothing was sent.
					</Text>
				) : null}
			</Box>
		</Box>
	);
}
