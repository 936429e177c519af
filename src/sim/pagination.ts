import { SimError } from "./sim-error.js";
import { parseIsoDateOrDateTime } from "./validate.js";

export interface PageQuery {
	readonly limit: number;
	/** Rows strictly older than this (ms) are returned. */
	readonly beforeMs: number | undefined;
}

export interface ListBody {
	readonly object: "list";
	readonly data: unknown[];
	readonly has_more: boolean;
	readonly next_cursor: string | null;
}

/** Reads `limit` (1..100, default 20, no clamping: §12.10) and `cursor` (ISO datetime, §9). */
export function parsePageQuery(params: URLSearchParams): PageQuery {
	let limit = 20;
	const rawLimit = params.get("limit");
	if (rawLimit !== null) {
		if (!/^-?\d+$/.test(rawLimit)) {
			throw new SimError(400, "invalid_type", `Expected integer, received '${rawLimit}'`, "limit");
		}
		limit = Number(rawLimit);
		if (limit < 1) throw new SimError(400, "too_small", "Number must be greater than or equal to 1", "limit");
		if (limit > 100) throw new SimError(400, "too_big", "Number must be less than or equal to 100", "limit");
	}
	let beforeMs: number | undefined;
	const cursor = params.get("cursor");
	if (cursor !== null) {
		beforeMs = parseIsoDateOrDateTime(cursor, false);
		if (beforeMs === undefined) throw new SimError(400, "invalid_string", "Invalid datetime", "cursor");
	}
	return { limit, beforeMs };
}

/**
 * Newest-first page over rows held in ascending `created_at` order: binary search for the
 * cursor, then walk backwards until `limit + 1` rows pass `include` (the extra row only proves
 * `has_more`). Cost is the page plus any hidden rows skipped, never the whole table.
 */
export function paginate<T extends { readonly created_at_ms: number }>(
	rows: readonly T[],
	query: PageQuery,
	include: (row: T) => boolean,
	serialize: (row: T) => unknown,
): ListBody {
	let i = rows.length - 1;
	if (query.beforeMs !== undefined) {
		const before = query.beforeMs;
		let lo = 0;
		let hi = rows.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if ((rows[mid] as T).created_at_ms < before) lo = mid + 1;
			else hi = mid;
		}
		i = lo - 1;
	}
	const page: T[] = [];
	let hasMore = false;
	for (; i >= 0; i--) {
		const row = rows[i] as T;
		if (!include(row)) continue;
		if (page.length === query.limit) {
			hasMore = true;
			break;
		}
		page.push(row);
	}
	const last = page[page.length - 1];
	return {
		object: "list",
		data: page.map(serialize),
		has_more: hasMore,
		next_cursor: hasMore && last !== undefined ? new Date(last.created_at_ms).toISOString() : null,
	};
}
