import { basename } from "node:path";
import { Spinner } from "@inkjs/ui";
import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import type { SyncPlan } from "../../core/plan/make-plan.js";
import type { SyncRules } from "../../core/plan/sync-rules.js";
import type { SourceFiles } from "../../core/run-types.js";
import { PASSES } from "../../model/records.js";
import { escapeControls, escapeControlsKeepingLines } from "../../model/terminal-text.js";
import { RuleToggles } from "../components/RuleToggles.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTerminalSize } from "../hooks/use-terminal-size.js";
import { useTheme } from "../hooks/use-theme.js";
import { cell, formatCount, formatDuration, rcell, windowLabel } from "../model/format.js";
import { keysOf } from "../model/key-burst.js";
import { clampConcurrency, estimatePlan } from "../model/plan.js";
import { nothingToSendNote } from "../model/plan-view.js";
import { ruleForKey, ruleToggles, toggleNote, toggleRule } from "../model/rule-toggles.js";
import type { VerifiedKey } from "../model/verify-key.js";
import type { PlanCheck } from "../model/wizard-state.js";
import type { SourceCheck } from "../services.js";
import { SyncPlanView } from "./SyncPlanView.js";

export type { PlanCheck };

export interface PlanStepProps {
	readonly files: SourceFiles;
	readonly check: PlanCheck;
	readonly keyInfo: VerifiedKey;
	/** @default 60000 */
	readonly windowMs?: number | undefined;
	readonly concurrency: number;
	/** The run's keys: a pool's may have more requests in flight. @default 1 */
	readonly keyCount?: number;
	/** Resuming: done records are skipped. */
	readonly isResume: boolean;
	/** Start over: the checkpoint is set aside. */
	readonly isFresh: boolean;
	/** The sync rules the plan was made under; a toggle's key calls `onRules` with the new ones. */
	readonly rules?: SyncRules | undefined;
	readonly onRules?: ((rules: SyncRules) => void) | undefined;
	readonly onConfirm: (concurrency: number) => void;
	readonly onBack: () => void;
	/** Invalid rows (exit 2), or a state another run holds (exit 6): nothing can be sent. */
	readonly onQuit: () => void;
}

/**
 * Invalid rows (file:line), or the sync plan per pass with its field changes and automation
 * warning; requests, estimated time at the key's limit, concurrency.
 */
export function PlanStep({
	files,
	check,
	keyInfo,
	windowMs: toldWindowMs,
	concurrency: initialConcurrency,
	keyCount = 1,
	isResume,
	isFresh,
	rules = {},
	onRules,
	onConfirm,
	onBack,
	onQuit,
}: PlanStepProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const [concurrency, setConcurrency] = useState(initialConcurrency);
	// Why the last key turned other rules off, until the next key.
	const [note, setNote] = useState<string | undefined>(undefined);
	const isReady =
		check.kind === "checked" && check.check.problemCount === 0 && check.plan?.refusal === undefined;
	const hasPlan = check.kind === "checked" && check.plan !== undefined;

	// Set by a rule's key until the plan of the new rules is shown: an Enter that arrives before
	// it (keys typed fast, or in one burst) would start the plan shown, made under the rules just
	// turned off, and a `d` taken back would still delete (adversarial finding Y10).
	const isReplanning = useRef(false);
	const isStarted = useRef(false);
	const shownCheck = useRef(check);
	if (shownCheck.current !== check) {
		shownCheck.current = check;
		isReplanning.current = false;
		isStarted.current = false;
	}
	// The rules as the keys left them, ahead of the render: two toggles in one burst both count.
	const latestRules = useRef(rules);
	if (!isReplanning.current) latestRules.current = rules;
	useInput(
		(input, key) => {
			// Keys that arrive together are taken in turn (finding Y4).
			for (const one of keysOf(input, key)) {
				const isEnter = key.return || one === "\r";
				if (one === "+" || one === "=") setConcurrency((c) => clampConcurrency(c + 1, keyCount));
				else if (one === "-" || one === "_") setConcurrency((c) => clampConcurrency(c - 1, keyCount));
				else if (isEnter) {
					// Once: a second Enter in the same read (key repeat, a double tap) started a second
					// run beside the first (adversarial finding Z10).
					if (isReady && !isReplanning.current && !isStarted.current) {
						isStarted.current = true;
						onConfirm(concurrency);
					}
				} else if (hasPlan && onRules && ruleForKey(one)) {
					const rule = ruleForKey(one)!;
					const before = latestRules.current;
					const next = toggleRule(before, rule);
					setNote(toggleNote(before, next, rule));
					latestRules.current = next;
					isReplanning.current = true;
					onRules(next);
				} else if (key.escape) onBack();
				else if (one === "q") onQuit();
			}
		},
		{ isActive },
	);

	// Told (--window), else what the key's GET /me suggested, else Pivotal's minute.
	const windowMs = toldWindowMs ?? keyInfo.windowMs ?? 60_000;
	const window = windowLabel(windowMs);
	return (
		<Box flexDirection="column">
			<StepHeader
				title="Plan"
				step="3/4"
				subtitle={`${keyInfo.masked} · ${keyInfo.workspace} · ${keyInfo.isTest ? "test" : "LIVE"} · ${formatCount(keyInfo.limit)}/${window}`}
			/>
			{check.kind === "checking" ? <Spinner label="Reading and validating the files…" /> : null}
			{check.kind === "error" ? (
				<Text {...theme.tint("error")}>{escapeControlsKeepingLines(check.message)}</Text>
			) : null}
			{check.kind === "held" ? (
				<Text {...theme.tint("warn")} wrap="wrap">
					{escapeControls(check.message)}
				</Text>
			) : null}
			{check.kind === "checked" ? (
				<PlanBody
					files={files}
					check={check.check}
					plan={check.plan}
					keyInfo={keyInfo}
					windowMs={windowMs}
					window={window}
					concurrency={concurrency}
					isResume={isResume}
					isFresh={isFresh}
					rules={onRules ? rules : undefined}
				/>
			) : null}
			{note ? (
				<Text {...theme.tint("warn")} wrap="wrap">
					{note}
				</Text>
			) : null}
			<Box marginTop={note ? 0 : 1}>
				<Text dimColor>
					{isReady ? "Enter start · " : ""}
					{hasPlan && onRules ? "c/u/e/k/d rules · " : ""}
					{check.kind === "held" ? "" : "+/- concurrency · "}Esc back · q quit
				</Text>
			</Box>
		</Box>
	);
}

function PlanBody({
	files,
	check,
	plan,
	keyInfo,
	windowMs,
	window,
	concurrency,
	isResume,
	isFresh,
	rules,
}: {
	readonly files: SourceFiles;
	readonly check: SourceCheck;
	readonly plan: SyncPlan | undefined;
	readonly keyInfo: VerifiedKey;
	readonly windowMs: number;
	readonly window: string;
	readonly concurrency: number;
	readonly isResume: boolean;
	readonly isFresh: boolean;
	/** Shown as toggles when given. */
	readonly rules?: SyncRules | undefined;
}) {
	const theme = useTheme();
	const toggles = plan && rules ? ruleToggles(plan, rules) : undefined;
	const { rows } = useTerminalSize();
	const estimate = estimatePlan(plan ? plan.requests : check.counts, keyInfo.limit, windowMs, concurrency);
	// Under Ink's full-screen height: the header, table, file lines and footer take the rest.
	const passLines = plan
		? PASSES.filter((pass) => plan.passes[pass].rows + plan.passes[pass].notInFiles > 0).length
		: 0;
	// With the rule toggles on a short screen, how each file is read (said on the mapping step)
	// gives way; a tall one has room for both.
	const formats = toggles && rows < 34 ? undefined : check.formats;
	const formatLines = PASSES.filter((pass) => formats?.[pass]).length;
	const fixed =
		3 + 1 + passLines + 1 + formatLines + 2 + 3 + (isFresh ? 1 : 0) + 2 + (toggles ? toggles.length + 1 : 0);
	const summary = (
		<>
			<Text>
				requests ≈ {formatCount(estimate.requests)}
				{isResume && !plan ? " (at most: records already done are skipped)" : ""} · at{" "}
				{formatCount(keyInfo.limit)}/{window} ≈ <Text bold>{formatDuration(estimate.estimatedMs)}</Text>
				{plan && plan.requests === 0 ? <Text dimColor> · {nothingToSendNote(plan)}</Text> : null}
			</Text>
			<Text>
				concurrency <Text bold>{concurrency}</Text> <Text dimColor>(+/- to change; kept for this key)</Text>
			</Text>
			{isFresh ? (
				<Text {...theme.tint("warn")}>Starting over: the existing checkpoint is set aside.</Text>
			) : null}
		</>
	);
	if (plan && check.problemCount === 0) {
		return (
			<Box flexDirection="column">
				<SyncPlanView
					files={files}
					plan={plan}
					formats={formats}
					noteBudget={Math.max(1, rows - 1 - fixed)}
				/>
				{toggles ? (
					<Box marginTop={1} flexDirection="column">
						<RuleToggles toggles={toggles} refusal={plan.refusal} />
					</Box>
				) : null}
				<Box marginTop={1} flexDirection="column">
					{summary}
				</Box>
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text dimColor>
				{cell("pass", 13)}
				{rcell("rows", 8)}
				{"  file"}
			</Text>
			{PASSES.map((pass) => (
				<Text key={pass} wrap="truncate-end">
					{cell(pass, 13)}
					{rcell(formatCount(check.counts[pass]), 8)}
					{"  "}
					<Text dimColor>{files[pass] ? escapeControls(basename(files[pass])) : "(none)"}</Text>
				</Text>
			))}
			{PASSES.map((pass) =>
				check.formats?.[pass] ? (
					<Text key={`${pass}-format`} dimColor wrap="truncate-end">
						{cell(`  ${pass}`, 13)} {check.formats[pass]}
					</Text>
				) : null,
			)}
			<Box marginTop={1} flexDirection="column">
				{check.problemCount > 0 ? (
					<>
						<Text {...theme.tint("error")}>
							{formatCount(check.problemCount)} invalid row{check.problemCount === 1 ? "" : "s"}: nothing will
							be sent until they are fixed.
						</Text>
						{check.problems.slice(0, 8).map((line, i) => (
							// The first in full: its "what to do" (say, --encoding NAME) is often at the end.
							<Text key={line} wrap={i === 0 ? "wrap" : "truncate-end"}>
								{"  "}
								{line}
							</Text>
						))}
						{check.problemCount > 8 ? <Text dimColor> … and {check.problemCount - 8} more</Text> : null}
					</>
				) : (
					<Text {...theme.tint("ok")}>✓ every row is valid</Text>
				)}
			</Box>
			<Box marginTop={1} flexDirection="column">
				{summary}
			</Box>
		</Box>
	);
}
