import { createHash } from "node:crypto";

/** A stored success, replayed byte-for-byte (§5, §12.13). */
export interface StoredResponse {
	readonly status: number;
	readonly body: Buffer;
}

type Entry =
	| { readonly state: "pending"; readonly requestHash: string }
	| {
			readonly state: "done";
			readonly requestHash: string;
			readonly response: StoredResponse;
			readonly storedAt: number;
	  };

export type IdempotencyBegin =
	| { readonly kind: "new" }
	| { readonly kind: "replay"; readonly response: StoredResponse }
	| { readonly kind: "reused" }
	| { readonly kind: "in-use" };

export interface ExportedIdempotencyEntry {
	readonly scope: string;
	readonly requestHash: string;
	readonly status: number;
	/** Response body, base64, so the bytes survive JSON. */
	readonly body: string;
	readonly storedAt: number;
}

export function hashBody(raw: Buffer): string {
	return createHash("sha256").update(raw).digest("hex");
}

/**
 * Idempotency records keyed by scope (workspace + method + concrete path + key). Only
 * successes are kept; a pending marker makes a concurrent duplicate fail fast with
 * `idempotency_key_in_use`. The Map's insertion order follows completion time, so expired
 * entries are evicted from its head in O(1) amortised.
 */
export class IdempotencyStore {
	readonly #entries = new Map<string, Entry>();
	ttlMs: number;

	constructor(ttlMs: number) {
		this.ttlMs = ttlMs;
	}

	begin(scope: string, requestHash: string, now: number): IdempotencyBegin {
		this.#evictExpired(now);
		const entry = this.#entries.get(scope);
		if (entry !== undefined && entry.state === "done" && now - entry.storedAt >= this.ttlMs) {
			this.#entries.delete(scope);
		} else if (entry !== undefined) {
			if (entry.state === "pending") return { kind: "in-use" };
			if (entry.requestHash !== requestHash) return { kind: "reused" };
			return { kind: "replay", response: entry.response };
		}
		this.#entries.set(scope, { state: "pending", requestHash });
		return { kind: "new" };
	}

	complete(scope: string, requestHash: string, response: StoredResponse, now: number): void {
		// Delete first so the entry moves to the tail and the head stays the oldest.
		this.#entries.delete(scope);
		this.#entries.set(scope, { state: "done", requestHash, response, storedAt: now });
	}

	abandon(scope: string): void {
		const entry = this.#entries.get(scope);
		if (entry?.state === "pending") this.#entries.delete(scope);
	}

	get size(): number {
		return this.#entries.size;
	}

	#evictExpired(now: number): void {
		for (const [scope, entry] of this.#entries) {
			if (entry.state !== "done" || now - entry.storedAt < this.ttlMs) return;
			this.#entries.delete(scope);
		}
	}

	export(): ExportedIdempotencyEntry[] {
		const out: ExportedIdempotencyEntry[] = [];
		for (const [scope, entry] of this.#entries) {
			if (entry.state !== "done") continue;
			out.push({
				scope,
				requestHash: entry.requestHash,
				status: entry.response.status,
				body: entry.response.body.toString("base64"),
				storedAt: entry.storedAt,
			});
		}
		return out;
	}

	import(entries: readonly ExportedIdempotencyEntry[]): void {
		this.#entries.clear();
		for (const e of entries) {
			this.#entries.set(e.scope, {
				state: "done",
				requestHash: e.requestHash,
				response: { status: e.status, body: Buffer.from(e.body, "base64") },
				storedAt: e.storedAt,
			});
		}
	}

	clear(): void {
		this.#entries.clear();
	}
}
