import { Box, type Key, Text, useInput } from "ink";
import { useEffect, useState } from "react";
import { escapeControls } from "../../model/terminal-text.js";
import { useTheme } from "../hooks/use-theme.js";

export interface Choice<T> {
	readonly value: T;
	readonly label: string;
	/** Dim text after the label. */
	readonly hint?: string;
}

export interface ChoiceListProps<T> {
	readonly choices: readonly Choice<T>[];
	readonly onSelect: (value: T) => void;
	/** Extra keys (other than arrows and Enter), with the highlighted choice. */
	readonly onKey?: (input: string, key: Key, highlighted: T | undefined) => void;
	readonly onHighlight?: (value: T | undefined) => void;
	/** @default 0 */
	readonly initialIndex?: number;
	/** Rows shown at once; the list scrolls around the highlight. @default 8 */
	readonly visibleCount?: number;
	/** @default true */
	readonly isActive?: boolean;
}

/** A vertical list: ↑/↓ (or k/j) to move, Enter to choose. */
export function ChoiceList<T>({
	choices,
	onSelect,
	onKey,
	onHighlight,
	initialIndex = 0,
	visibleCount = 8,
	isActive = true,
}: ChoiceListProps<T>) {
	const theme = useTheme();
	const [index, setIndex] = useState(initialIndex);
	const safeIndex = Math.min(Math.max(0, index), Math.max(0, choices.length - 1));
	const highlighted = choices[safeIndex]?.value;

	useEffect(() => {
		onHighlight?.(highlighted);
	}, [highlighted, onHighlight]);

	useInput(
		(input, key) => {
			// Functional updates: several keys can arrive before the next render.
			const move = (delta: number) =>
				setIndex((i) => Math.max(0, Math.min(choices.length - 1, Math.min(i, choices.length - 1) + delta)));
			if (key.upArrow) move(-1);
			else if (key.downArrow) move(1);
			else if (key.pageUp) move(-visibleCount);
			else if (key.pageDown) move(visibleCount);
			else if (key.return) {
				if (highlighted !== undefined) onSelect(highlighted);
			} else onKey?.(input, key, highlighted);
		},
		{ isActive },
	);

	const start = Math.min(
		Math.max(0, safeIndex - Math.floor(visibleCount / 2)),
		Math.max(0, choices.length - visibleCount),
	);
	const shown = choices.slice(start, start + visibleCount);
	return (
		<Box flexDirection="column">
			{start > 0 ? <Text dimColor> ↑ {start} more</Text> : null}
			{shown.map((choice, i) => {
				const isHighlighted = start + i === safeIndex;
				return (
					<Text key={choice.label} wrap="truncate-end">
						<Text {...theme.tint(isHighlighted ? "accent" : undefined)} bold={isHighlighted}>
							{isHighlighted ? "❯ " : "  "}
							{escapeControls(choice.label)}
						</Text>
						{choice.hint ? <Text dimColor> {escapeControls(choice.hint)}</Text> : null}
					</Text>
				);
			})}
			{start + visibleCount < choices.length ? (
				<Text dimColor> ↓ {choices.length - start - visibleCount} more</Text>
			) : null}
		</Box>
	);
}
