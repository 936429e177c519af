import type { BaseRow } from "./rows.js";

/**
 * One resource type: rows in creation order (so ascending `created_at`, which the monotonic
 * clock guarantees) plus O(1) lookups by cuid and by display_id.
 */
export class Table<T extends BaseRow> {
	readonly rows: T[] = [];
	readonly #byId = new Map<string, T>();
	readonly #byDisplayId = new Map<number, T>();
	#nextDisplayId = 1;

	/** display_id allocation: per type, from 1, never reused (§12.41). */
	allocateDisplayId(): number {
		const id = this.#nextDisplayId;
		this.#nextDisplayId += 1;
		return id;
	}

	get nextDisplayId(): number {
		return this.#nextDisplayId;
	}

	insert(row: T): void {
		this.rows.push(row);
		this.#byId.set(row.id, row);
		this.#byDisplayId.set(row.display_id, row);
		if (row.display_id >= this.#nextDisplayId) this.#nextDisplayId = row.display_id + 1;
	}

	/** Finds a row by display_id (all digits) or cuid, including soft-deleted ones. */
	findAny(ref: string): T | undefined {
		return /^\d{1,15}$/.test(ref) ? this.#byDisplayId.get(Number(ref)) : this.#byId.get(ref);
	}

	/** Same, but soft-deleted rows are invisible (404, §9). */
	findLive(ref: string): T | undefined {
		const row = this.findAny(ref);
		return row === undefined || row.deleted ? undefined : row;
	}

	restore(rows: readonly T[], nextDisplayId: number): void {
		for (const row of rows) this.insert(row);
		this.#nextDisplayId = Math.max(this.#nextDisplayId, nextDisplayId);
	}
}
