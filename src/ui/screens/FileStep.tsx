import { Box, Text, useInput } from "ink";
import { useState } from "react";
import type { PassName } from "../../model/records.js";
import { escapeControls, escapeControlsKeepingLines } from "../../model/terminal-text.js";
import { type Choice, ChoiceList } from "../components/ChoiceList.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTheme } from "../hooks/use-theme.js";
import { filterNames } from "../model/files.js";

/** `undefined` means "no file for this pass" (contacts and onboardings are optional). */
type FileChoice = { readonly name: string | undefined };

export interface FileStepProps {
	readonly pass: PassName;
	readonly folder: string;
	/** CSV names in the folder, best suggestion first. */
	readonly names: readonly string[];
	/** Name to highlight first. */
	readonly initial?: string | undefined;
	/** Contacts and onboardings may be left out. */
	readonly isOptional: boolean;
	/** What is already chosen, for the subtitle. */
	readonly chosen?: string | undefined;
	/** The state the files are synced into, when it is an import's already (finding U13). */
	readonly into?: string | undefined;
	/** Something wrong with the last choice (missing file). */
	readonly error?: string | undefined;
	/** A listed name, or a typed path (absolute or relative to the folder); `undefined` = none. */
	readonly onChoose: (nameOrPath: string | undefined) => void;
	readonly onBack?: (() => void) | undefined;
}

/** A picker over the folder's CSV files: ↑/↓ to move, type to filter, or type a path. */
export function FileStep({
	pass,
	folder,
	names,
	initial,
	isOptional,
	chosen,
	into,
	error,
	onChoose,
	onBack,
}: FileStepProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const [typed, setTyped] = useState("");
	const matches = filterNames(names, typed);
	const choices: Choice<FileChoice>[] = [
		...matches.map((name) => ({ value: { name }, label: name })),
		...(isOptional && typed === "" ? [{ value: { name: undefined }, label: `(no ${pass} file)` }] : []),
	];
	const initialIndex = Math.max(
		0,
		choices.findIndex((c) => c.value.name === initial),
	);

	useInput(
		(input, key) => {
			// Before the guard: a terminal's lone Esc also reads as meta (adversarial finding S13).
			if (key.escape) {
				if (typed !== "") setTyped("");
				else onBack?.();
				return;
			}
			if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.return || key.pageDown || key.pageUp)
				return;
			if (key.backspace || key.delete) setTyped((t) => t.slice(0, -1));
			else if (input && !key.tab) {
				// A paste brings its line ending along: control characters are never part of a path typed (finding Y4).
				const text = input.replace(/[\u0000-\u001f\u007f]/g, "");
				if (text !== "") setTyped((t) => t + text);
			}
		},
		{ isActive },
	);

	const select = (choice: FileChoice) => onChoose(choice.name);
	return (
		<Box flexDirection="column">
			<StepHeader
				title={`${pass} file${isOptional ? " (optional)" : ""}`}
				step="1/4"
				subtitle={`${chosen ? `${folder} · ${chosen}` : folder}${into ? ` · into the import of ${into}` : ""}`}
			/>
			<Text>
				<Text dimColor>filter or path: </Text>
				<Text {...theme.tint("accent")}>{escapeControls(typed)}</Text>
				<Text inverse> </Text>
			</Text>
			<Box marginTop={1} flexDirection="column">
				{choices.length > 0 ? (
					<ChoiceList
						key={typed}
						choices={choices}
						initialIndex={typed === "" ? initialIndex : 0}
						onSelect={select}
						isActive={isActive}
					/>
				) : (
					<ChoiceList
						key="typed"
						choices={[{ value: { name: typed }, label: `use ${typed}` }]}
						onSelect={select}
						isActive={isActive}
					/>
				)}
			</Box>
			{error ? (
				<Box marginTop={1}>
					<Text {...theme.tint("error")}>{escapeControlsKeepingLines(error)}</Text>
				</Box>
			) : null}
			<Box marginTop={1}>
				<Text dimColor>↑/↓ move · type to filter, or a path · Enter choose · Esc back · Ctrl+C quit</Text>
			</Box>
		</Box>
	);
}
