/**
 * Cells read as a person meant them: `Program Design` is the phase `program_design`, `y` and
 * `x` are yes, `1,234` is a thousand two hundred and thirty-four. Each reader answers the value
 * it understood, or undefined; exact values answer first, without normalising.
 */

/** An enum cell compared ignoring case, spaces, `-` and `_`. */
export function enumKey(value: string): string {
	return value.toLowerCase().replace(/[\s_-]+/g, "");
}

/** The allowed value `value` stands for, or undefined. */
export function enumReader(allowed: readonly string[]): (value: string) => string | undefined {
	const exact = new Set(allowed);
	const byKey = new Map(allowed.map((v) => [enumKey(v), v]));
	return (value) => (exact.has(value) ? value : byKey.get(enumKey(value)));
}

const BOOLEANS = new Map<string, boolean>([
	["true", true],
	["false", false],
	["yes", true],
	["no", false],
	["y", true],
	["n", false],
	["1", true],
	["0", false],
	// A checkbox column exported as a cross: marked or empty.
	["x", true],
]);

export const BOOLEAN_WORDS = "yes, no, y, n, true, false, 1, 0 or x";

export function parseBoolean(value: string): boolean | undefined {
	return BOOLEANS.get(value) ?? BOOLEANS.get(value.trim().toLowerCase());
}

/** Digits only, or digits grouped by thousands with commas (`1,234,567`). */
export function parseCount(value: string): number | undefined {
	if (value.length === 0 || value.length > 20) return undefined;
	let digits = 0;
	let sinceComma = -1;
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			digits++;
			if (sinceComma >= 0) sinceComma++;
		} else if (c === 44) {
			// The first group has 1–3 digits, every later one exactly 3.
			if (sinceComma === -1 ? digits < 1 || digits > 3 : sinceComma !== 3) return undefined;
			sinceComma = 0;
		} else return undefined;
	}
	if (sinceComma !== -1 && sinceComma !== 3) return undefined;
	if (digits > 15) return undefined;
	return Number(sinceComma === -1 ? value : value.replaceAll(",", ""));
}
