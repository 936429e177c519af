/**
 * What is wrong with an input file, where, and what to do about it. One problem reads as one
 * sentence in the style of a compiler diagnostic: `customers.csv:14:3: email "bob@" is not …; fix …`.
 */

import { columnLetters, isWorkbookPath } from "./workbook-path.js";

export interface Problem {
	/** The path as the user gave it, so the message points where they will look. */
	readonly file: string;
	/** 1-based physical line where the record starts; 0 when the problem is the file itself. */
	readonly line: number;
	/** 1-based column number in the header order, when one cell is at fault. */
	readonly column?: number;
	/** Header name of that column. */
	readonly columnName?: string;
	/** What is wrong and what to do, as one sentence ending with a full stop. */
	readonly message: string;
}

/** `file:line:column: message`, dropping the parts that do not apply. */
export function formatProblem(problem: Problem): string {
	let where = problem.file;
	if (problem.line > 0) {
		where += `:${problem.line}`;
		if (problem.column !== undefined) where += `:${problem.column}`;
		// A sheet's row is its line; the cell is named as Excel shows it, `C7`.
		if (problem.column !== undefined && isWorkbookPath(problem.file)) {
			where += ` (cell ${columnLetters(problem.column)}${problem.line})`;
		}
	}
	return `${where}: ${problem.message}`;
}

const SHOWN_VALUE_CHARS = 40;

/**
 * A cell value as shown inside a message: JSON-quoted so control characters and quotes stay
 * visible, and cut short so a megabyte cell does not become a megabyte message.
 */
export function showValue(value: string): string {
	if (value.length <= SHOWN_VALUE_CHARS) return JSON.stringify(value);
	return `${JSON.stringify(value.slice(0, SHOWN_VALUE_CHARS))}… (${value.length} characters)`;
}

/**
 * Collects problems up to a cap and counts all of them: a million bad rows must cost a counter,
 * not a million objects.
 */
export class ProblemList {
	readonly #limit: number;
	/** Invariant: `#kept.length <= #limit` and `#total >= #kept.length`. */
	readonly #kept: Problem[] = [];
	#total = 0;

	constructor(limit: number) {
		this.#limit = Math.max(0, limit);
	}

	add(problem: Problem): void {
		this.#total++;
		if (this.#kept.length < this.#limit) this.#kept.push(problem);
	}

	/** Counts problems that were found but not kept (for example beyond a per-file cap). */
	addUncounted(count: number): void {
		this.#total += count;
	}

	get total(): number {
		return this.#total;
	}

	get isFull(): boolean {
		return this.#kept.length >= this.#limit;
	}

	/** The kept problems, each file's in line order (files keep their first-seen order). */
	sorted(): Problem[] {
		const fileOrder = new Map<string, number>();
		for (const p of this.#kept) if (!fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
		return this.#kept
			.map((p, i) => ({ p, i }))
			.sort(
				(a, b) =>
					(fileOrder.get(a.p.file) ?? 0) - (fileOrder.get(b.p.file) ?? 0) ||
					a.p.line - b.p.line ||
					(a.p.column ?? 0) - (b.p.column ?? 0) ||
					a.i - b.i,
			)
			.map(({ p }) => p);
	}
}
