import { Box, Text } from "ink";
import { useTheme } from "../hooks/use-theme.js";

export interface KeyHintsProps {
	/** `[key, what it does]` pairs, in order. */
	readonly hints: readonly (readonly [string, string])[];
}

/** The footer line of key hints: `p pause  f failures  q quit`. */
export function KeyHints({ hints }: KeyHintsProps) {
	const theme = useTheme();
	return (
		<Box flexWrap="wrap" columnGap={2}>
			{hints.map(([key, label]) => (
				<Text key={`${key}-${label}`}>
					<Text bold {...theme.tint("accent")}>
						{key}
					</Text>{" "}
					<Text dimColor>{label}</Text>
				</Text>
			))}
		</Box>
	);
}
