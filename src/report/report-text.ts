/**
 * Untrusted text (file cells, server messages, stderr sentences) on its way into the CI reports:
 * a Markdown page and a chat message. Control characters are shown escaped, never passed on;
 * anything shaped like a Pivotal key is masked whatever field carried it; length is capped.
 */

import { maskKeyShapes } from "../api/key.js";

/** One line of plain text: keys masked, control characters escaped, at most `max` characters. */
export function plainText(text: string, max = 200): string {
	const cleaned = maskKeyShapes(text).replace(
		/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
		(c) => (c === "\n" || c === "\t" ? " " : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
	);
	return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/**
 * Text inside a Markdown table cell (GitHub-flavoured): it reads as the literal text. Pipes would
 * end the cell, HTML would render, and emphasis, links, code and images would change what is
 * shown, so their characters are backslash-escaped.
 */
export function markdownCell(text: string, max = 120): string {
	return (
		plainText(text, max)
			.replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`)
			// A cell's `@user` or `@org/team` would mention them where the summary is posted (a pull
			// request's comment): a zero-width space after the `@` keeps it text (finding V8). An
			// e-mail's `@`, after a letter, mentions no one and is left as it is.
			.replace(/(^|[^\w.+-])@(?=[A-Za-z0-9])/g, "$1@\u200b")
	);
}

/**
 * Text in a Slack message (`text` of an incoming webhook): `&`, `<` and `>` are the only
 * characters Slack asks to escape; with them escaped no link or mention can be made up.
 */
export function slackText(text: string, max = 300): string {
	return plainText(text, max).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
