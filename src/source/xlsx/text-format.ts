/**
 * A number format's text section (`"CUST-"@`, `@" (old)"`, `0;-0;0;"ID-"@`): how Excel shows a text cell in it,
 * with the format's literals around the text, and how its CSV export writes the cell
 * (adversarial finding T6: a shared string `00123` formatted `"CUST-"@` reads `CUST-00123`, the
 * id Excel shows). A format that only says "text" (`@`) changes nothing.
 */

/** Characters Excel shows as they are without quotes (as in digit-pattern.ts). */
const UNQUOTED_LITERALS = new Set([..."-+/():!^&'~{}<>= "]);

/** The text section's parts: literal text, and `null` where the cell's text goes. */
export type TextFormat = readonly (string | null)[];

/**
 * The text section of `code` as parts, or undefined when text cells show as they are: no text
 * section (the last of at most four, with an `@`), only `@`, or one this cannot render.
 */
export function textFormat(code: string | undefined): TextFormat | undefined {
	if (code === undefined || !code.includes("@")) return undefined;
	const sections = splitSections(code);
	// The text section is the last, the fourth at most; a section of numbers has no `@`.
	const section = sections.length <= 4 ? sections[sections.length - 1]! : undefined;
	if (section === undefined || !section.includes("@")) return undefined;
	const parts: (string | null)[] = [];
	const text = (t: string): void => {
		const last = parts.length - 1;
		if (last >= 0 && typeof parts[last] === "string") parts[last] += t;
		else if (t !== "") parts.push(t);
	};
	for (let i = 0; i < section.length; i++) {
		const c = section[i]!;
		if (c === "@") parts.push(null);
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
			// A colour or a locale tag shows nothing; anything else is not rendered here.
			if (!/^(?:[a-z]+|color\d+|\$-[0-9a-f]+)$/i.test(section.slice(i + 1, end))) return undefined;
			i = end;
		} else if (UNQUOTED_LITERALS.has(c)) text(c);
		else return undefined;
	}
	if (!parts.includes(null) || parts.every((p) => p === null)) return undefined;
	return parts;
}

/** `text` as the format shows it. */
export function showText(format: TextFormat, text: string): string {
	let out = "";
	for (const part of format) out += part ?? text;
	return out;
}

function splitSections(code: string): string[] {
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
