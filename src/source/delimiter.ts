/**
 * Which character separates the cells: found from the header row, where every candidate that
 * appears outside quotes is counted and the most frequent wins. Excel writes `;` in locales whose
 * decimal mark is a comma, and tab for "Unicode Text"; `|` comes from database dumps.
 */

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How a delimiter is shown in the plan and in messages. */
export function delimiterLabel(delimiter: string): string {
	return delimiter === "\t" ? "tab" : `"${delimiter}"`;
}

/**
 * The `--delimiter` value, or the sentence saying why it is not one. `tab` and `\t` name the tab
 * (a literal tab is awkward to type in a shell).
 */
export function delimiterFromOption(
	value: string,
): { readonly ok: true; readonly delimiter: Delimiter } | { readonly ok: false; readonly message: string } {
	const v = value === "tab" || value === "\\t" ? "\t" : value;
	const found = DELIMITERS.find((d) => d === v);
	if (found !== undefined) return { ok: true, delimiter: found };
	return {
		ok: false,
		message: `--delimiter ${JSON.stringify(value)} is not one of , ; tab | ; use one of those (write tab as "tab"), or leave it out to detect it from the header row.`,
	};
}

/** The delimiter of the first record of `text`; `,` when the header has a single column. */
export function detectDelimiter(text: string): Delimiter {
	const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
	let isQuoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (c === '"') isQuoted = !isQuoted;
		else if (!isQuoted && (c === "\n" || c === "\r")) break;
		else if (!isQuoted && counts.has(c as Delimiter))
			counts.set(c as Delimiter, counts.get(c as Delimiter)! + 1);
	}
	let best: Delimiter = ",";
	let most = 0;
	for (const d of DELIMITERS) {
		const n = counts.get(d)!;
		// Ties keep the earlier (more common) delimiter.
		if (n > most) {
			best = d;
			most = n;
		}
	}
	return best;
}
