/**
 * Slugs unique within one customers file before anything is sent. Rows are taken in file
 * order; a derived slug already used by an earlier row, or written in the file's slug column by
 * any row, gets `-2`, `-3`, … (the first free one). The same file always gives the same slugs,
 * so a resumed run sends the same bodies under the same idempotency keys.
 */

import { deriveSlug, withSuffix } from "./derive-slug.js";

export class FileSlugs {
	readonly #used = new Set<string>();
	readonly #explicit: ReadonlySet<string>;

	/** `explicit`: every slug the file's slug column holds (rows that name their own). */
	constructor(explicit: ReadonlySet<string> = new Set()) {
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
	isAnyIn(slugs: ReadonlySet<string>): boolean {
		const [small, large] = this.#used.size <= slugs.size ? [this.#used, slugs] : [slugs, this.#used];
		for (const slug of small) if (large.has(slug)) return true;
		return false;
	}
}
