/**
 * A number format's section as Excel shows it: its literal text and its placeholders. Shared by
 * the digits of an id's format (digit-pattern.ts) and a text cell's format (text-format.ts).
 */

/** Characters Excel shows as they are without quotes. */
const UNQUOTED_LITERALS = new Set([..."-+/():!^&'~{}<>= "]);

/**
 * The section's parts in order: literal text (quoted, escaped with `\`, or a character shown
 * unquoted), runs of it joined into one string, and each placeholder as `placeholder` reads it.
 * A pad (`_x`) or a fill (`*x`) shows no text of the cell's own, a colour or a locale tag in
 * brackets shows nothing. Undefined for anything else: a condition, a currency, a date's letters.
 */
export function formatParts<P extends object | null>(
	section: string,
	placeholder: (c: string) => P | undefined,
): (string | P)[] | undefined {
	const parts: (string | P)[] = [];
	const text = (t: string): void => {
		const last = parts.length - 1;
		if (last >= 0 && typeof parts[last] === "string") parts[last] += t;
		else if (t !== "") parts.push(t);
	};
	for (let i = 0; i < section.length; i++) {
		const c = section[i]!;
		const held = placeholder(c);
		if (held !== undefined) parts.push(held);
		else if (c === '"') {
			const end = section.indexOf('"', i + 1);
			if (end === -1) return undefined;
			text(section.slice(i + 1, end));
			i = end;
		} else if (c === "\\") {
			text(section[i + 1] ?? "");
			i++;
		} else if (c === "_" || c === "*") i++;
		else if (c === "[") {
			const end = section.indexOf("]", i + 1);
			if (end === -1) return undefined;
			if (!/^(?:[a-z]+|color\d+|\$-[0-9a-f]+)$/i.test(section.slice(i + 1, end))) return undefined;
			i = end;
		} else if (UNQUOTED_LITERALS.has(c)) text(c);
		else return undefined;
	}
	return parts;
}

/** A format code's sections, split at each `;` outside quotes and escapes. */
export function formatSections(code: string): string[] {
	const sections: string[] = [];
	let quoted = false;
	let from = 0;
	for (let i = 0; i < code.length; i++) {
		const c = code[i]!;
		if (c === '"') quoted = !quoted;
		else if (c === "\\") i++;
		else if (c === ";" && !quoted) {
			sections.push(code.slice(from, i));
			from = i + 1;
		}
	}
	sections.push(code.slice(from));
	return sections;
}
