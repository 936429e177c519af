/**
 * A customer's slug when the file gives none: its name transliterated to ASCII (any-ascii, which
 * renders every script — `株式会社トヨタ`, `Ελληνική`, `شركة`, `टाटा`, `บริษัท` — where
 * accent-folding leaves nothing), lower-cased, non-alphanumerics joined by single hyphens, at
 * most 64 characters (Pivotal's slug rule). A name that leaves nothing (emoji, punctuation)
 * falls back to the external id, and that to a short hash of it.
 */

import { createHash } from "node:crypto";
import anyAscii from "any-ascii";

export const SLUG_MAX = 64;

/** Any text → slug shape (`a-z0-9` words joined by single hyphens), cut to `max`; "" when nothing is left. */
export function toSlugShape(text: string, max = SLUG_MAX): string {
	return text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, max)
		.replace(/-+$/, "");
}

/** The slug a name reads as, or "" when it has no rendering in Latin letters or digits. */
export function slugFromName(name: string): string {
	// Quotes and apostrophes join words (`O'Brien` → obrien); any-ascii writes some letters with them.
	return toSlugShape(anyAscii(name).replace(/['’`"]/g, ""));
}

/** A short, stable tag of an id: base-36 of its SHA-256. */
export function idTag(id: string, length = 6): string {
	const hex = createHash("sha256").update(id).digest("hex").slice(0, 12);
	return BigInt(`0x${hex}`).toString(36).padStart(length, "0").slice(0, length);
}

/** The slug of a row without one: from its name, else from its external id. */
export function deriveSlug(name: string, externalId: string): string {
	const fromName = slugFromName(name);
	if (fromName !== "") return fromName;
	const fromId = toSlugShape(externalId, SLUG_MAX - "customer-".length);
	return `customer-${fromId !== "" ? fromId : idTag(externalId)}`;
}

/** `base` with `-suffix`, the base cut so the whole stays within the slug length. */
export function withSuffix(base: string, suffix: string): string {
	const tail = `-${suffix}`;
	return `${base.slice(0, SLUG_MAX - tail.length).replace(/-+$/, "")}${tail}`;
}
