import { Box, Text } from "ink";
import { escapeControls } from "../../model/terminal-text.js";
import { useTheme } from "../hooks/use-theme.js";

export interface StepHeaderProps {
	readonly title: string;
	/** e.g. `2/4`; left out on screens outside the wizard. */
	readonly step?: string | undefined;
	/** A line under the title: where we are, what is already chosen. */
	readonly subtitle?: string | undefined;
}

export function StepHeader({ title, step, subtitle }: StepHeaderProps) {
	const theme = useTheme();
	return (
		<Box flexDirection="column" marginBottom={1}>
			<Text>
				<Text bold {...theme.tint("accent")}>
					pivotal-tui
				</Text>
				{step ? <Text dimColor> · step {step}</Text> : null}
				<Text bold> · {escapeControls(title)}</Text>
			</Text>
			{subtitle ? <Text dimColor>{escapeControls(subtitle)}</Text> : null}
		</Box>
	);
}
