/**
 * The one redactor for secrets (STYLE practice 15): every string a server sends back passes
 * through it where it enters (the client), so a server that echoes the `Authorization` header —
 * in an error's code, field, message, or any other field — cannot put the key on a screen, in a
 * log, in the state or in a CSV.
 */

/**
 * Shorter than this, a "secret" (a simulator's test key) would match ordinary words: not masked.
 * Real keys are far longer.
 */
const MIN_SECRET = 8;

export type Redactor = (text: string) => string;

/** Replaces each secret wherever it appears in a string with its mask. */
export function secretRedactor(
	secrets: readonly { readonly secret: string; readonly mask: string }[],
): Redactor {
	const kept = secrets.filter((s) => s.secret.length >= MIN_SECRET);
	if (kept.length === 0) return (text) => text;
	return (text) => {
		let out = text;
		for (const { secret, mask } of kept) if (out.includes(secret)) out = out.split(secret).join(mask);
		return out;
	};
}
