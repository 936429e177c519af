/**
 * The one sanitiser for the terminal (STYLE practice 15): text from outside — a server's answer,
 * a file's cell — may hold escape sequences that clear the screen, retitle the window or fake a
 * line. Every control character is shown as a visible escape (`\x1b`, `\x07`) instead.
 */

/** C0 controls, DEL and the C1 controls (0x9b is a one-byte CSI on some terminals). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same, with newline and tab kept: for whole lines of our own output. */
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function escaped(char: string): string {
	return `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** One line of untrusted text, safe to print: every control character, newline included, escaped. */
export function escapeControls(text: string): string {
	return text.replace(CONTROLS, escaped);
}

/** Output bound for a terminal: newlines and tabs kept, every other control character escaped. */
export function escapeControlsKeepingLines(text: string): string {
	return text.replace(CONTROLS_BUT_LINES, escaped);
}

/**
 * Bidi embeddings, overrides and isolates: drawn as nothing, they reorder what follows them, so a
 * server's message can make its words read other than they are (a right-to-left override).
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * A server's text, safe to print: control characters escaped as `escapeControls` does, and bidi
 * controls shown as `\u202e`. Only for texts no one types: a file's cells in Arabic or Hebrew may
 * carry them on purpose.
 */
export function escapeServerText(text: string): string {
	return escapeControls(text).replace(BIDI_CONTROLS, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

/** True when the text holds a control character that `escapeControls` would escape. */
export function hasControls(text: string): boolean {
	CONTROLS.lastIndex = 0;
	return CONTROLS.test(text);
}

const NAMES: Readonly<Record<number, string>> = {
	0: "NUL",
	7: "BEL",
	8: "backspace",
	9: "tab",
	10: "line break",
	13: "carriage return",
	27: "ESC",
	127: "DEL",
};

/** The first control character of the text, named for a sentence (`NUL (\x00)`), or undefined. */
export function firstControl(text: string): { readonly name: string; readonly index: number } | undefined {
	CONTROLS.lastIndex = 0;
	const match = CONTROLS.exec(text);
	CONTROLS.lastIndex = 0;
	if (!match) return undefined;
	const code = match[0].charCodeAt(0);
	const shown = escaped(match[0]);
	const name = NAMES[code];
	return { name: name ? `${name} (${shown})` : `the control character ${shown}`, index: match.index };
}
