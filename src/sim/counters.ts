/** What the simulator saw, for tests and benchmarks (`GET /_admin/counters`). */
export interface SimCounters {
	/** Every /api/v1 request received (including /health and refused ones). */
	requests: number;
	/** `"METHOD /route STATUS"` → count; STATUS is `reset` for a destroyed socket. */
	byRoute: Record<string, number>;
	/** Responses with status 429. */
	rateLimited: number;
	/** POST requests received. */
	posts: number;
	/** Responses replayed from the idempotency store. */
	idempotentReplays: number;
	/** Faults injected, by kind: `5xx`, `5xx-after`, `reset`, `reset-after`, `hang`, `tail`, `scripted`. */
	faultsInjected: Record<string, number>;
	/** Records created (successful creates, not replays), by resource. */
	created: { customers: number; contacts: number; onboardings: number; [resource: string]: number };
}

export function emptyCounters(): SimCounters {
	return {
		requests: 0,
		byRoute: {},
		rateLimited: 0,
		posts: 0,
		idempotentReplays: 0,
		faultsInjected: {},
		created: { customers: 0, contacts: 0, onboardings: 0 },
	};
}

export function bump(record: Record<string, number>, key: string): void {
	record[key] = (record[key] ?? 0) + 1;
}
