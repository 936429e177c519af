/** Colour roles the screens use. With `NO_COLOR` every role maps to no colour at all. */
export type ColorRole = "accent" | "ok" | "warn" | "error" | "muted" | "info";

export interface Theme {
	/** Props to spread on an Ink `<Text>`/`<Box>`: the role's colour, or nothing when colour is off. */
	tint(role: ColorRole | undefined): { readonly color?: string };
	readonly isColor: boolean;
}

const COLORS: Readonly<Record<ColorRole, string>> = {
	accent: "cyan",
	ok: "green",
	warn: "yellow",
	error: "red",
	muted: "gray",
	info: "blue",
};

export function createTheme(isColor: boolean): Theme {
	return { isColor, tint: (role) => (isColor && role !== undefined ? { color: COLORS[role] } : {}) };
}

/** https://no-color.org: any non-empty `NO_COLOR` turns colour off. */
export function isColorWanted(env: Readonly<Record<string, string | undefined>>): boolean {
	const value = env.NO_COLOR;
	return value === undefined || value === "";
}
