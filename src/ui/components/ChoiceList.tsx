import { Box, type Key, Text, useInput } from "ink";
import { useEffect, useRef, useState } from "react";
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
	// Where the keys have moved it, ahead of the render: several keys can arrive before the next
	// one, and an Enter among them chooses what they moved to, not what was shown (finding W7).
	const moved = useRef(initialIndex);
	const clamp = (i: number) => Math.min(Math.max(0, i), Math.max(0, choices.length - 1));
	const safeIndex = clamp(index);
	const highlighted = choices[safeIndex]?.value;

	useEffect(() => {
		onHighlight?.(highlighted);
	}, [highlighted, onHighlight]);

	useInput(
		(input, key) => {
			const move = (delta: number) => {
				moved.current = clamp(clamp(moved.current) + delta);
				setIndex(moved.current);
			};
			const current = choices[clamp(moved.current)]?.value;
			if (key.upArrow) move(-1);
			else if (key.downArrow) move(1);
			else if (key.pageUp) move(-visibleCount);
			else if (key.pageDown) move(visibleCount);
			else if (key.return) {
				if (current !== undefined) onSelect(current);
			} else onKey?.(input, key, current);
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
