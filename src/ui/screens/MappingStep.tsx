import { basename } from "node:path";
import { Spinner } from "@inkjs/ui";
import { Box, Text } from "ink";
import { useEffect } from "react";
import type { PassName } from "../../model/records.js";
import { escapeControlsKeepingLines } from "../../model/terminal-text.js";
import { type DistinctValues, dateReader, type MapSection, previewBodies } from "../../source/index.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useMappingInput } from "../hooks/use-mapping-input.js";
import { useMappingState } from "../hooks/use-mapping-state.js";
import { useTerminalSize } from "../hooks/use-terminal-size.js";
import { useTheme } from "../hooks/use-theme.js";
import { cell } from "../model/format.js";
import { previewSection, toSection } from "../model/mapping-section.js";
import type { MappingRow, MappingState, ValueField } from "../model/mapping-state.js";
import { valueColumns } from "../model/mapping-values.js";

export interface MappingStepProps {
	readonly pass: PassName;
	readonly file: string;
	readonly header: readonly string[];
	/** The first rows, for the examples and the preview. */
	readonly sample: readonly (readonly string[])[];
	/** How the file was read (delimiter, encoding), for the subtitle. */
	readonly format: string;
	/** The section of the map saved beside the CSV, when there is one: the starting choices. */
	readonly saved?: MapSection | undefined;
	/** Where the map is saved (and was found, when `saved` is given), shown in the subtitle. */
	readonly mapPath: string;
	/** Distinct values of these source columns (the enum fields' columns), in the same order. */
	readonly loadValues: (columns: readonly number[]) => Promise<readonly DistinctValues[]>;
	readonly onDone: (section: MapSection) => void;
	readonly onBack: () => void;
}

const optionLabel = (option: readonly string[]): string =>
	option.length === 0 ? "(none)" : option.join(" + ");
const dateLabel = (format: string): string => (format === "" ? "ISO (YYYY-MM-DD)" : format);
const targetLabel = (target: string): string => (target === "" ? "(leave empty)" : target);

/** Each of our fields beside its source column; then our value for each distinct source value. */
export function MappingStep(props: MappingStepProps) {
	const { pass, header, sample, saved, loadValues, onDone, onBack } = props;
	const isActive = useIsInputActive();
	const [state, dispatch] = useMappingState(pass, header, sample, saved);
	useMappingInput(state.phase, dispatch, onBack, isActive);

	// biome-ignore lint/correctness/useExhaustiveDependencies: the columns are read from the state that entered the phase
	useEffect(() => {
		if (state.phase.kind !== "loading-values") return;
		let isCancelled = false;
		const wanted = valueColumns(state);
		loadValues(wanted.map((w) => w.column)).then((loaded) => {
			if (isCancelled) return;
			const values = wanted.map((w, i) => ({
				field: w.field,
				counts: loaded[i]?.counts ?? [],
				isTruncated: loaded[i]?.isTruncated ?? false,
			}));
			dispatch({ type: "values-loaded", values });
		});
		return () => {
			isCancelled = true;
		};
	}, [state.phase.kind, loadValues]);

	// biome-ignore lint/correctness/useExhaustiveDependencies: reported once, when the phase ends
	useEffect(() => {
		if (state.phase.kind === "done") onDone(toSection(state));
	}, [state.phase.kind]);

	const phase = state.phase;
	if (phase.kind === "values") {
		const field = state.values[phase.index];
		if (field !== undefined) return <ValuesView {...props} state={state} field={field} />;
	}
	return <ColumnsView {...props} state={state} isLoading={phase.kind !== "columns"} />;
}

function exampleOf(state: MappingState, row: MappingRow): string {
	if (row.kind === "dates") {
		const datesAt = state.rows.find((r) => r.kind === "field" && r.field === "target_launch_date");
		const source = datesAt?.kind === "field" ? datesAt.options[datesAt.choice] : undefined;
		const at = source?.length === 1 ? state.header.indexOf(source[0]!) : -1;
		const value = state.sample.map((r) => r[at] ?? "").find((v) => v.trim() !== "");
		const format = row.options[row.choice] ?? "";
		if (value === undefined) return "";
		return `${value} → ${dateReader(format === "" ? "yyyy-MM-dd" : format)(value) ?? "?"}`;
	}
	const option = row.options[row.choice] ?? [];
	const indexes = option.map((h) => state.header.indexOf(h));
	for (const cells of state.sample) {
		const value = indexes
			.map((i) => (cells[i] ?? "").trim())
			.filter(Boolean)
			.join(" ");
		if (value !== "") return value;
	}
	return "";
}

function ColumnsView({
	pass,
	file,
	format,
	saved,
	mapPath,
	state,
	isLoading,
}: MappingStepProps & { readonly state: MappingState; readonly isLoading: boolean }) {
	const theme = useTheme();
	const { rows: height, columns: width } = useTerminalSize();
	const visible = Math.max(4, Math.min(12, height - 17));
	const start = Math.min(
		Math.max(0, state.cursor - Math.floor(visible / 2)),
		Math.max(0, state.rows.length - visible),
	);
	const shown = state.rows.slice(start, start + visible);
	const section = toSection(state);
	const used = new Set(Object.values(section.columns ?? {}).flatMap((s) => (s === null ? [] : [s].flat())));
	const ignored = state.header.filter((h) => h.trim() !== "" && !used.has(h));
	const preview = previewBodies(pass, basename(file), state.header, state.sample, previewSection(state));
	return (
		<Box flexDirection="column">
			<StepHeader title={`map ${pass} columns`} step="1/4" subtitle={`${basename(file)} · ${format}`} />
			<Text dimColor>
				{"  "}
				{cell("our field", 24)}
				{cell("source column", 26)}example
			</Text>
			{start > 0 ? <Text dimColor> ↑ {start} more</Text> : null}
			{shown.map((row, i) => {
				const isHere = start + i === state.cursor;
				const name = row.kind === "dates" ? "dates (format)" : `${row.field}${row.isRequired ? " *" : ""}`;
				const choice =
					row.kind === "dates"
						? dateLabel(row.options[row.choice] ?? "")
						: optionLabel(row.options[row.choice] ?? []);
				const isUnset = row.kind === "field" && row.choice === 0;
				return (
					<Text key={row.kind === "dates" ? "dates" : row.field} wrap="truncate-end">
						<Text {...theme.tint(isHere ? "accent" : undefined)} bold={isHere}>
							{isHere ? "❯ " : "  "}
							{cell(name, 24)}
						</Text>
						<Text dimColor={isUnset}>{cell(isHere ? `‹ ${choice} ›` : `  ${choice}`, 26)}</Text>
						<Text dimColor>{exampleOf(state, row)}</Text>
					</Text>
				);
			})}
			{start + visible < state.rows.length ? (
				<Text dimColor> ↓ {state.rows.length - start - visible} more</Text>
			) : null}
			<Text dimColor wrap="truncate-end">
				ignored: {ignored.length > 0 ? ignored.join(", ") : "(none)"}
			</Text>
			<Text dimColor wrap="truncate-start">
				{saved ? "map (saved earlier, saved again on Enter): " : "map saved on Enter to: "}
				{mapPath}
			</Text>
			<Box marginTop={1} flexDirection="column">
				<Text dimColor>request bodies of the first rows:</Text>
				{preview.map((line, i) => (
					<Text
						// biome-ignore lint/suspicious/noArrayIndexKey: the preview lines are positional
						key={i}
						wrap="truncate-end"
						{...theme.tint("problem" in line ? "error" : undefined)}
					>
						{"  "}
						{"problem" in line ? line.problem : JSON.stringify(line.body).slice(0, Math.max(20, width * 2))}
					</Text>
				))}
			</Box>
			{state.error ? <Text {...theme.tint("error")}>{escapeControlsKeepingLines(state.error)}</Text> : null}
			<Box marginTop={1}>
				{isLoading ? (
					<Spinner label="Counting the values of the status columns…" />
				) : (
					<Text dimColor wrap="truncate-end">
						↑/↓ field · ←/→ source column · Enter next · Esc back · * required
					</Text>
				)}
			</Box>
		</Box>
	);
}

function ValuesView({
	pass,
	file,
	state,
	field,
}: MappingStepProps & { readonly state: MappingState; readonly field: ValueField }) {
	const theme = useTheme();
	const { rows: height } = useTerminalSize();
	const visible = Math.max(4, Math.min(14, height - 9));
	const start = Math.min(
		Math.max(0, state.valueCursor - Math.floor(visible / 2)),
		Math.max(0, field.rows.length - visible),
	);
	const shown = field.rows.slice(start, start + visible);
	return (
		<Box flexDirection="column">
			<StepHeader
				title={`map ${pass} values: ${field.field}`}
				step="1/4"
				subtitle={`${basename(file)} · "${field.source}" → ${field.field} · ${field.rows.length}${field.isTruncated ? "+" : ""} distinct values`}
			/>
			<Text dimColor>
				{"  "}
				{cell("source value", 30)}
				{cell("rows", 9)}our value
			</Text>
			{start > 0 ? <Text dimColor> ↑ {start} more</Text> : null}
			{shown.map((row, i) => {
				const isHere = start + i === state.valueCursor;
				const target = field.targets[row.choice] ?? "";
				return (
					<Text key={row.value} wrap="truncate-end">
						<Text {...theme.tint(isHere ? "accent" : undefined)} bold={isHere}>
							{isHere ? "❯ " : "  "}
							{cell(row.value, 30)}
						</Text>
						<Text dimColor>{cell(String(row.count), 9)}</Text>
						<Text dimColor={target === ""}>
							{isHere ? `‹ ${targetLabel(target)} ›` : `  ${targetLabel(target)}`}
						</Text>
					</Text>
				);
			})}
			{start + visible < field.rows.length ? (
				<Text dimColor> ↓ {field.rows.length - start - visible} more</Text>
			) : null}
			<Box marginTop={1}>
				<Text dimColor wrap="truncate-end">
					↑/↓ value · ←/→ our value · Enter next · Esc back
				</Text>
			</Box>
		</Box>
	);
}
