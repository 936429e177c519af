import { Box, Text, useInput } from "ink";
import { useMemo, useRef, useState } from "react";
import { EDITED_IN_PIVOTAL, NOT_IN_PIVOTAL } from "../../core/plan/sync-rules.js";
import type { FailureDetail } from "../../core/run-types.js";
import type { PassName } from "../../model/records.js";
import { escapeControls } from "../../model/terminal-text.js";
import { KeyHints } from "../components/KeyHints.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTerminalSize } from "../hooks/use-terminal-size.js";
import { useTheme } from "../hooks/use-theme.js";
import { flattenGroups, groupFailures } from "../model/failures.js";
import { cell, truncate } from "../model/format.js";
import { keysOf } from "../model/key-burst.js";

export interface RecordRef {
	readonly pass: PassName;
	readonly key: string;
}

export interface FailuresScreenProps {
	readonly failures: readonly FailureDetail[];
	/** Retrying re-sends records, which the engine allows once the run has ended. */
	readonly canRetry: boolean;
	/** `undefined` = every failed record. */
	readonly onRetry: (which: readonly RecordRef[] | undefined) => void;
	readonly onExport: () => void;
	readonly onBack: () => void;
	/** A line about the last retry or export. */
	readonly notice?: string | undefined;
}

const id = (f: RecordRef) => `${f.pass}:${f.key}`;

/**
 * Failed records grouped by pass and code; a detail pane with the request and the response. A
 * record's key and any words of a failure are shown through the one terminal sanitiser: a cell
 * or an answer holding an escape sequence cannot retitle the pane or break the box.
 */
export function FailuresScreen({
	failures,
	canRetry,
	onRetry,
	onExport,
	onBack,
	notice,
}: FailuresScreenProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const { columns, rows: height } = useTerminalSize();
	const rows = useMemo(() => flattenGroups(groupFailures(failures)), [failures]);
	const items = useMemo(() => rows.filter((r) => r.kind === "item").map((r) => r.failure), [rows]);
	const [cursor, setCursor] = useState(0);
	const [marked, setMarked] = useState<ReadonlySet<string>>(new Set());
	const index = Math.min(cursor, Math.max(0, items.length - 1));
	const selected = items[index];

	// The cursor and the marks as the keys left them, ahead of the render: several keys can arrive
	// before the next one, and a mark or a retry among them acts on the row they moved to, not the
	// row shown (adversarial finding Y6).
	const cursorNow = useRef(cursor);
	const markedNow = useRef(marked);
	useInput(
		(input, key) => {
			const clamp = (c: number) => Math.max(0, Math.min(items.length - 1, c));
			const move = (delta: number) => {
				cursorNow.current = clamp(clamp(cursorNow.current) + delta);
				setCursor(cursorNow.current);
			};
			// Keys that arrive together come as one input (" r": mark, then retry): each is taken in
			// turn, on the row the keys before it left the cursor on, until one leaves the screen
			// (adversarial finding Z11).
			for (const one of keysOf(input, key)) {
				const current = items[clamp(cursorNow.current)];
				if (key.upArrow || one === "k") move(-1);
				else if (key.downArrow || one === "j") move(1);
				else if (key.pageUp) move(-5);
				else if (key.pageDown) move(5);
				else if (one === " " && current) {
					const next = new Set(markedNow.current);
					if (next.has(id(current))) next.delete(id(current));
					else next.add(id(current));
					markedNow.current = next;
					setMarked(next);
				} else if (one === "r" && canRetry && current) {
					const marks = markedNow.current;
					const which = marks.size > 0 ? items.filter((f) => marks.has(id(f))) : [current];
					markedNow.current = new Set();
					setMarked(markedNow.current);
					onRetry(which.map((f) => ({ pass: f.pass, key: f.key })));
					// The screen is left: the rest of the burst (a second r) must not send the records again.
					return;
				} else if (one === "a" && canRetry && items.length > 0) return onRetry(undefined);
				else if (one === "e" && items.length > 0) return onExport();
				else if (key.escape || one === "b" || one === "f") return onBack();
			}
		},
		{ isActive },
	);

	// The list gets what the detail pane (about 11 rows) and the chrome leave.
	const listHeight = Math.max(4, height - 19);
	const selectedRow = rows.findIndex((r) => r.kind === "item" && r.failure === selected);
	const start = Math.min(
		Math.max(0, selectedRow - Math.floor(listHeight / 2)),
		Math.max(0, rows.length - listHeight),
	);
	const width = Math.min(columns, 120);
	return (
		<Box flexDirection="column" width={width}>
			<StepHeader
				title={`Failures (${items.length})`}
				subtitle={canRetry ? undefined : "Retry becomes available once the run has ended."}
			/>
			{items.length === 0 ? <Text {...theme.tint("ok")}>No failed records.</Text> : null}
			<Box flexDirection="column" height={Math.min(listHeight, rows.length)}>
				{rows.slice(start, start + listHeight).map((row) =>
					row.kind === "group" ? (
						<Text key={`g:${row.group.pass}:${row.group.code}`} bold wrap="truncate-end">
							{row.group.pass} · <Text {...theme.tint("error")}>{row.group.code}</Text> (
							{row.group.items.length})
						</Text>
					) : (
						<Text key={`i:${id(row.failure)}`} wrap="truncate-end" inverse={row.failure === selected}>
							{row.failure === selected ? "❯" : " "}
							{marked.has(id(row.failure)) ? "●" : " "} {cell(lineOf(row.failure), 10)}
							{cell(escapeControls(row.failure.key), 24)} {row.failure.status ?? "—"}{" "}
							{truncate(escapeControls(row.failure.message), width - 44)}
						</Text>
					),
				)}
			</Box>
			{selected ? <Detail failure={selected} width={width} /> : null}
			{notice ? <Text {...theme.tint("accent")}>{escapeControls(notice)}</Text> : null}
			<KeyHints
				hints={[
					["↑/↓", "move"],
					["space", "mark"],
					...(canRetry
						? ([
								["r", "retry selected"],
								["a", "retry all"],
							] as const)
						: []),
					["e", "export CSV"],
					["Esc", "back"],
				]}
			/>
		</Box>
	);
}

/** Failures loaded from a checkpoint (an earlier session) carry no line: 0. */
function lineOf(failure: FailureDetail): string {
	return failure.line > 0 ? `line ${failure.line}` : "line ?";
}

/** JSON laid out on few lines: the pane is small. */
function compact(value: unknown): string {
	if (value === undefined) return "(not kept: the failure comes from an earlier session's checkpoint)";
	if (typeof value === "string") {
		try {
			return JSON.stringify(JSON.parse(value));
		} catch {
			return escapeControls(value);
		}
	}
	return JSON.stringify(value);
}

function Detail({ failure, width }: { readonly failure: FailureDetail; readonly width: number }) {
	const theme = useTheme();
	if (failure.code === EDITED_IN_PIVOTAL || failure.code === NOT_IN_PIVOTAL) {
		// Not a failed request: undo or --keep-pivotal-edits read the record and left a field someone
		// changed since, or --only update left a row with no record.
		return (
			<Box flexDirection="column" borderStyle="single" borderDimColor width={width} paddingX={1}>
				<Text wrap="truncate-end">
					<Text bold>
						{failure.pass} {escapeControls(failure.key)}
					</Text>{" "}
					·{" "}
					<Text {...theme.tint("warn")}>
						{failure.code === NOT_IN_PIVOTAL ? "not created" : "kept"}: {escapeControls(failure.code)}
					</Text>
				</Text>
				<Text wrap="wrap">{escapeControls(failure.message)}</Text>
				<Text dimColor wrap="wrap">
					{failure.code === NOT_IN_PIVOTAL
						? "Nothing was sent for it. Run without --only update to create it."
						: "Pivotal keeps its value; the record's other fields were written. Change it by hand to override it."}
				</Text>
			</Box>
		);
	}
	return (
		<Box flexDirection="column" borderStyle="single" borderDimColor width={width} paddingX={1}>
			<Text wrap="truncate-end">
				<Text bold>
					{failure.pass} {escapeControls(failure.key)}
				</Text>{" "}
				· {lineOf(failure)} · {failure.attempts} attempt{failure.attempts === 1 ? "" : "s"} ·{" "}
				<Text {...theme.tint("error")}>
					{failure.status ?? "no answer"} {escapeControls(failure.code)}
				</Text>
				{failure.field ? ` · field ${escapeControls(failure.field)}` : ""}
			</Text>
			<Text wrap="truncate-end">{escapeControls(failure.message)}</Text>
			<Text dimColor>request</Text>
			<Text wrap="wrap">{truncate(compact(failure.requestBody), (width - 4) * 3)}</Text>
			<Text dimColor>response</Text>
			<Text wrap="wrap">{truncate(compact(failure.response), (width - 4) * 2)}</Text>
		</Box>
	);
}
