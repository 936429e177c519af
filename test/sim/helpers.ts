import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/sim/index.js";

export const LIVE_KEY = "pivotal_live_key_0001";
export const TEST_KEY = "pivotal_test_key_0001";

export interface CallOptions {
	/** API key; `null` sends no Authorization header. @default LIVE_KEY */
	readonly key?: string | null;
	/** A value is JSON-encoded; a string is sent as-is (exact bytes). */
	readonly body?: unknown;
	readonly idempotencyKey?: string;
	readonly headers?: Record<string, string>;
	readonly signal?: AbortSignal;
}

export interface CallResult {
	readonly status: number;
	readonly headers: Headers;
	readonly text: string;
	// biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary JSON
	readonly json: any;
}

/** One request over real HTTP; `path` is below /api/v1 (or absolute from the origin when it starts with /_admin). */
export async function call(
	sim: Simulator,
	method: string,
	path: string,
	options: CallOptions = {},
): Promise<CallResult> {
	const headers: Record<string, string> = { ...options.headers };
	const key = options.key === undefined ? LIVE_KEY : options.key;
	if (key !== null) headers.authorization = `Bearer ${key}`;
	if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
	let body: string | undefined;
	if (options.body !== undefined) {
		body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
		headers["content-type"] = "application/json";
	}
	const url = path.startsWith("/_admin") ? `${sim.origin}${path}` : `${sim.baseUrl}${path}`;
	const init: RequestInit = { method, headers };
	if (body !== undefined) init.body = body;
	if (options.signal !== undefined) init.signal = options.signal;
	const res = await fetch(url, init);
	const text = await res.text();
	let json: unknown;
	try {
		json = text === "" ? undefined : JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/** A settable fake clock for the simulator. */
export function fakeClock(start = Date.UTC(2026, 4, 26, 12, 0, 0, 0)): {
	now: () => number;
	advance(ms: number): void;
	set(ms: number): void;
} {
	let t = start;
	return {
		now: () => t,
		advance(ms) {
			t += ms;
		},
		set(ms) {
			t = ms;
		},
	};
}

/** Starts a simulator for one test and closes it afterwards via the returned `using`-style helper. */
export async function withSim<T>(
	options: SimulatorOptions,
	body: (sim: Simulator) => Promise<T>,
): Promise<T> {
	const sim = await startSimulator(options);
	try {
		return await body(sim);
	} finally {
		await sim.close();
	}
}
