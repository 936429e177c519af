import { Text } from "ink";
import { useTheme } from "../hooks/use-theme.js";
import { bar } from "../model/format.js";
import type { ColorRole } from "../model/theme.js";

export interface BarProps {
	/** 0–1. */
	readonly ratio: number;
	/** @default 20 */
	readonly width?: number;
	/** @default "accent" */
	readonly role?: ColorRole;
}

/** A text progress bar; legible without colour. */
export function Bar({ ratio, width = 20, role = "accent" }: BarProps) {
	const theme = useTheme();
	return <Text {...theme.tint(role)}>{bar(ratio, width)}</Text>;
}
