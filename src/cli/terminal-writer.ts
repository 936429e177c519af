import { escapeControlsKeepingLines } from "../model/terminal-text.js";

export interface TextOut {
	write(text: string): unknown;
	readonly isTTY?: boolean;
}

/**
 * The headless CLI's stdout or stderr, through the one terminal sanitiser: whatever a line
 * carries from outside (a cell of the file, a server's words), an escape sequence in it is
 * printed as `\x1b`, never acted on. Newlines and tabs pass; our own output has no other control.
 */
export function terminalSafe(out: TextOut): TextOut {
	return {
		write: (text: string) => out.write(escapeControlsKeepingLines(text)),
		...(out.isTTY === undefined ? {} : { isTTY: out.isTTY }),
	};
}
