import { Box, Text } from "ink";
import { useTheme } from "../hooks/use-theme.js";
import { cell } from "../model/format.js";
import type { RuleToggle } from "../model/rule-toggles.js";

export interface RuleTogglesProps {
	readonly toggles: readonly RuleToggle[];
	/** The sentence that refuses the run under these rules (too many deletes), if any. */
	readonly refusal?: string | undefined;
}

/** The sync rules, one line each: its key, on or off, and what it changes in this plan. */
export function RuleToggles({ toggles, refusal }: RuleTogglesProps) {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			{toggles.map((t) => (
				<Text key={t.rule} wrap="truncate-end">
					<Text dimColor>{` ${t.key} `}</Text>
					<Text {...theme.tint(t.isOn ? "accent" : undefined)} bold={t.isOn}>
						{t.isOn ? "[x] " : "[ ] "}
						{cell(t.label, 20)}
					</Text>
					<Text dimColor={!t.isOn}>{t.effect}</Text>
				</Text>
			))}
			{refusal ? (
				<Text {...theme.tint("error")} wrap="wrap">
					{refusal}
				</Text>
			) : null}
		</Box>
	);
}
