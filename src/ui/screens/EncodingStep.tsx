import { Box, Text, useInput } from "ink";
import { useState } from "react";
import { type Choice, ChoiceList } from "../components/ChoiceList.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTheme } from "../hooks/use-theme.js";

export interface EncodingStepProps {
	/** Files that are not UTF-8 (names as shown). */
	readonly files: readonly string[];
	/** The code page the bytes look like. */
	readonly detected: string;
	/** The encodings offered, the detected one first. */
	readonly choices: readonly string[];
	/** The one highlighted first (the detected one, or the one chosen before). */
	readonly initial: string;
	/** Rows of the first such file as each encoding reads them. */
	readonly previews: Readonly<Record<string, readonly string[]>>;
	readonly onChoose: (encoding: string) => void;
	readonly onBack: () => void;
}

/** Which code page the CSV files are read in, each choice previewed on the rows it changes. */
export function EncodingStep({
	files,
	detected,
	choices,
	initial,
	previews,
	onChoose,
	onBack,
}: EncodingStepProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const [highlighted, setHighlighted] = useState(initial);
	useInput(
		(_input, key) => {
			if (key.escape) onBack();
		},
		{ isActive },
	);
	const list: Choice<string>[] = choices.map((name) => ({
		value: name,
		label: name,
		...(name === detected ? { hint: "(detected)" } : {}),
	}));
	const many = files.length > 1;
	return (
		<Box flexDirection="column">
			<StepHeader title="encoding" step="1/4" subtitle={files.join(", ")} />
			<Text wrap="wrap">
				{many ? "These files are" : "This file is"} not UTF-8; {many ? "they look" : "it looks"} like{" "}
				<Text {...theme.tint("accent")}>{detected}</Text>. Read {many ? "them" : "it"} as:
			</Text>
			<Box marginTop={1}>
				<ChoiceList
					choices={list}
					initialIndex={Math.max(0, choices.indexOf(initial))}
					visibleCount={6}
					onHighlight={(name) => name !== undefined && setHighlighted(name)}
					onSelect={onChoose}
					isActive={isActive}
				/>
			</Box>
			<Box marginTop={1} flexDirection="column">
				<Text dimColor>read as {highlighted}:</Text>
				{(previews[highlighted] ?? []).map((line, i) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: preview lines may repeat and never move
					<Text key={i} wrap="truncate-end">
						{"  "}
						{line}
					</Text>
				))}
			</Box>
			<Box marginTop={1}>
				<Text dimColor>↑/↓ compare · Enter read the files this way · Esc back</Text>
			</Box>
		</Box>
	);
}
