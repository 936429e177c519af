import { basename } from "node:path";
import { Box, Text, useInput } from "ink";
import type { PassName } from "../../model/records.js";
import { type Choice, ChoiceList } from "../components/ChoiceList.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";

export interface SheetStepProps {
	readonly pass: PassName;
	/** The workbook on disk. */
	readonly file: string;
	/** Its sheets, in tab order. */
	readonly sheets: readonly string[];
	/** The sheet highlighted first. */
	readonly initial: string | undefined;
	readonly onChoose: (sheet: string) => void;
	readonly onBack: () => void;
}

/** Which sheet of a workbook holds the `pass` rows. */
export function SheetStep({ pass, file, sheets, initial, onChoose, onBack }: SheetStepProps) {
	const isActive = useIsInputActive();
	useInput(
		(_input, key) => {
			if (key.escape) onBack();
		},
		{ isActive },
	);
	const choices: Choice<string>[] = sheets.map((sheet) => ({ value: sheet, label: sheet }));
	return (
		<Box flexDirection="column">
			<StepHeader title={`${pass} sheet`} step="1/4" subtitle={basename(file)} />
			<Text>Which sheet holds the {pass}?</Text>
			<Box marginTop={1}>
				<ChoiceList
					choices={choices}
					initialIndex={Math.max(0, initial === undefined ? 0 : sheets.indexOf(initial))}
					onSelect={onChoose}
					isActive={isActive}
				/>
			</Box>
			<Box marginTop={1}>
				<Text dimColor>↑/↓ move · Enter choose · Esc back to the files</Text>
			</Box>
		</Box>
	);
}
