/**
 * `text` as a sentence that ends in a stop: words a server or the network wrote may not, and the
 * sentence put after them must not run on from them.
 */
export function asSentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
