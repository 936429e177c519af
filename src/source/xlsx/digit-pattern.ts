/**
 * A number format made of digit placeholders and the text around and between them
 * (`"CUST-"00000`, `000\-00\-0000`, `"C"000"-"00`, `"DE"-0000`): how Excel shows a whole number
 * in it, an id as its CSV export writes it (adversarial findings S5, T6). Anything else in the
 * format (decimals, thousands, a percentage, a date's letters, a condition) is not one.
 */

export type DigitPart = { readonly digit: "0" | "#" } | { readonly text: string };

/** Characters Excel shows as they are without quotes. */
const UNQUOTED_LITERALS = new Set([..."-+/():!^&'~{}<>= "]);

/** The parts of the format's first section, or undefined when it is not digits and text alone. */
export function digitParts(section: string): readonly DigitPart[] | undefined {
	const parts: DigitPart[] = [];
	const text = (t: string): void => {
		const last = parts[parts.length - 1];
		if (last !== undefined && "text" in last) parts[parts.length - 1] = { text: last.text + t };
		else if (t !== "") parts.push({ text: t });
	};
	for (let i = 0; i < section.length; i++) {
		const c = section[i]!;
		if (c === "0" || c === "#") parts.push({ digit: c });
		else if (c === '"') {
			const end = section.indexOf('"', i + 1);
			if (end === -1) return undefined;
			text(section.slice(i + 1, end));
			i = end;
		} else if (c === "\\") {
			text(section[i + 1] ?? "");
			i++;
		} else if (c === "_" || c === "*") {
			// A pad by a character's width, a fill: no text of the cell's own.
			i++;
		} else if (c === "[") {
			const end = section.indexOf("]", i + 1);
			if (end === -1) return undefined;
			const inside = section.slice(i + 1, end);
			// A colour or a locale tag shows nothing; a currency or a condition is not an id's format.
			if (!/^(?:[a-z]+|color\d+|\$-[0-9a-f]+)$/i.test(inside)) return undefined;
			i = end;
		} else if (UNQUOTED_LITERALS.has(c)) text(c);
		else return undefined;
	}
	return parts.some((p) => "digit" in p) ? parts : undefined;
}

/**
 * `digits` (a whole number's) as the parts show it: placeholders take the digits from the right,
 * `0` shows a zero where none is left, the leftmost takes every digit left over.
 */
export function showDigits(parts: readonly DigitPart[], digits: string): string {
	const placeholders = parts.filter((p) => "digit" in p).length;
	let left = digits;
	let seen = 0;
	let out = "";
	for (let i = parts.length - 1; i >= 0; i--) {
		const part = parts[i]!;
		if ("text" in part) {
			out = part.text + out;
			continue;
		}
		seen += 1;
		const pad = part.digit === "0" ? "0" : "";
		if (seen === placeholders) {
			out = (left === "" ? pad : left) + out;
			left = "";
		} else if (left !== "") {
			out = left[left.length - 1] + out;
			left = left.slice(0, -1);
		} else out = pad + out;
	}
	return out;
}
