import { basename } from "node:path";
import { Box, Text } from "ink";
import type { SyncPlan } from "../../core/plan/make-plan.js";
import type { SourceFiles } from "../../core/run-types.js";
import { PASSES, type PassName } from "../../model/records.js";
import { escapeControls } from "../../model/terminal-text.js";
import { useTheme } from "../hooks/use-theme.js";
import { cell, formatCount, rcell } from "../model/format.js";
import { PLAN_COLUMNS, PLAN_COUNTS, planNotes, planRows } from "../model/plan-view.js";

export interface SyncPlanViewProps {
	readonly files: SourceFiles;
	readonly plan: SyncPlan;
	/** How each file is read, one line each. */
	readonly formats?: Readonly<Record<PassName, string | undefined>> | undefined;
	/** Lines the field changes and warnings may take under the table. */
	readonly noteBudget: number;
}

/** The sync plan: counts per pass, each file and how it is read, then what changes. */
export function SyncPlanView({ files, plan, formats, noteBudget }: SyncPlanViewProps) {
	const theme = useTheme();
	const rows = planRows(plan);
	const notes = planNotes(plan, noteBudget);
	const [first, ...numbers] = PLAN_COLUMNS;
	return (
		<Box flexDirection="column">
			<Text dimColor>
				{cell(first[0], first[1])}
				{numbers.map(([name, width]) => rcell(name, width)).join("")}
			</Text>
			{rows.map((row) => (
				<Text key={row.pass}>
					{cell(row.pass, first[1])}
					{PLAN_COUNTS.map((key, i) => {
						const width = numbers[i]?.[1] ?? 8;
						const n = row[key];
						const role =
							n === 0
								? undefined
								: key === "update" || key === "create"
									? "accent"
									: key === "blocked" || key === "gone"
										? "warn"
										: key === "failed"
											? "error"
											: undefined;
						return (
							<Text key={key} {...theme.tint(role)} dimColor={n === 0 && key !== "rows"}>
								{rcell(formatCount(n), width)}
							</Text>
						);
					})}
				</Text>
			))}
			<Text dimColor wrap="truncate-end">
				{cell("  files", 13)}{" "}
				{PASSES.flatMap((pass) => (files[pass] ? [escapeControls(basename(files[pass] ?? ""))] : [])).join(
					" · ",
				)}
			</Text>
			{PASSES.map((pass) =>
				formats?.[pass] ? (
					<Text key={`${pass}-format`} dimColor wrap="truncate-end">
						{cell(`  ${pass}`, 13)} {formats[pass]}
					</Text>
				) : null,
			)}
			<Box marginTop={1} flexDirection="column">
				<Text {...theme.tint("ok")}>✓ every row is valid</Text>
				{notes.map((note, i) => (
					<Text
						// biome-ignore lint/suspicious/noArrayIndexKey: the notes are rebuilt whole, never reordered
						key={i}
						wrap="truncate-end"
						{...theme.tint(note.kind === "warn" ? "warn" : undefined)}
						bold={note.kind === "warn"}
						dimColor={note.kind === "more" || note.kind === "note"}
					>
						{note.kind === "warn" ? "⚠ " : "  "}
						{note.text}
					</Text>
				))}
			</Box>
		</Box>
	);
}
