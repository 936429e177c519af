/**
 * Slugs unique within one customers file before anything is sent. Rows are taken in file
 * order; a derived slug already used by an earlier row, or written in the file's slug column by
 * any row, gets `-2`, `-3`, … (the first free one). The same file always gives the same slugs,
 * so a resumed run sends the same bodies under the same idempotency keys.
 */

import type { StringLookup } from "../key-sets.js";
import { deriveSlug, withSuffix } from "./derive-slug.js";

export class FileSlugs {
	readonly #used = new Set<string>();
	readonly #explicit: StringLookup;

	/** `explicit`: every slug the file's slug column holds (rows that name their own). */
	constructor(explicit: StringLookup = new Set<string>()) {
		this.#explicit = explicit;
	}

	/** The slug for the next row without one. */
	derive(name: string, externalId: string): string {
		const base = deriveSlug(name, externalId);
		let slug = base;
		for (let n = 2; this.#used.has(slug) || this.#explicit.has(slug); n++) slug = withSuffix(base, String(n));
		this.#used.add(slug);
		return slug;
	}

	/** Whether a slug derived so far is in `slugs` (one the file's slug column turned out to hold). */
	isAnyIn(slugs: StringLookup): boolean {
		if (this.#used.size <= slugs.size) {
			for (const slug of this.#used) if (slugs.has(slug)) return true;
			return false;
		}
		for (const slug of slugs) if (this.#used.has(slug)) return true;
		return false;
	}
}
