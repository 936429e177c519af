import type { IncomingMessage, ServerResponse } from "node:http";
import { bump } from "./counters.js";
import { hashBody } from "./idempotency-store.js";
import type { ApiKeyRecord } from "./key-registry.js";
import { dispatch } from "./route-dispatch.js";
import type { RouteMatch } from "./router.js";
import type { SimEngine } from "./sim-engine.js";
import { SimError } from "./sim-error.js";
import type { RateDecision } from "./sliding-window.js";

type Headers = Record<string, string>;

const JSON_TYPE = "application/json; charset=utf-8";

function rateHeaders(d: RateDecision): Headers {
	const h: Headers = {
		"X-RateLimit-Limit": String(d.limit),
		"X-RateLimit-Remaining": String(d.remaining),
		"X-RateLimit-Reset": String(d.resetSec),
	};
	if (d.retryAfterSec !== undefined) h["Retry-After"] = String(d.retryAfterSec);
	return h;
}

function internalError(): SimError {
	return new SimError(
		500,
		"internal_error",
		"The server hit an unexpected error. Retry with exponential backoff.",
	);
}

function lenientJson(raw: Buffer): unknown {
	if (raw.length === 0) return undefined;
	try {
		return JSON.parse(raw.toString("utf8"));
	} catch {
		return undefined;
	}
}

/**
 * One /api/v1 request, in this order: auth (§2) → rate limit (§3: every authenticated request
 * takes a slot; a refused one only when `countRateLimitedRequests` is set) → route →
 * idempotency (§5) → latency/hang → faults before work → work → idempotency record → faults
 * after work → response. Faults come after the limiter so a faulted request still costs a slot,
 * as a real server's failure would.
 */
export async function handleApi(
	engine: SimEngine,
	req: IncomingMessage,
	res: ServerResponse,
	subPath: string,
	url: URL,
	raw: Buffer,
): Promise<void> {
	const method = (req.method ?? "GET").toUpperCase();
	const counters = engine.counters;
	counters.requests += 1;
	if (method === "POST") counters.posts += 1;
	const match = engine.router.match(subPath);
	const routeLabel = match?.route ?? "(unmatched)";
	let headers: Headers = {};

	const send = (status: number, body: Buffer | string, extra: Headers = {}): void => {
		bump(counters.byRoute, `${method} ${routeLabel} ${status}`);
		if (status === 429) counters.rateLimited += 1;
		if (res.destroyed) return;
		const bytes = typeof body === "string" ? Buffer.from(body) : body;
		res.writeHead(status, {
			Date: new Date(engine.now()).toUTCString(),
			"Content-Type": JSON_TYPE,
			"Content-Length": String(bytes.length),
			...headers,
			...extra,
		});
		res.end(bytes);
	};
	const sendError = (error: SimError, extra: Headers = {}): void =>
		send(error.status, JSON.stringify(error.envelope()), extra);
	const drop = (): void => {
		bump(counters.byRoute, `${method} ${routeLabel} reset`);
		req.socket.destroy();
	};

	// Liveness is unauthenticated, unlimited and never faulted (§2, §12.1).
	if (match?.route === "/health" && method === "GET") {
		send(200, JSON.stringify(dispatch(engine, method, match, raw, url.searchParams, undefined).body));
		return;
	}

	let key: ApiKeyRecord;
	try {
		key = engine.keys.authenticate(req.headers.authorization);
	} catch (error) {
		// No rate-limit headers on a 401 (§12.4): there is no bucket to report.
		if (error instanceof SimError) return sendError(error);
		throw error;
	}

	const decision = engine.limiter.take(key.key, key.rateLimit, engine.now());
	headers = rateHeaders(decision);
	if (!decision.allowed) {
		const wait = decision.retryAfterSec ?? 1;
		return sendError(
			new SimError(
				429,
				"rate_limited",
				`Rate limit of ${decision.limit} requests per window exceeded. Try again in ${wait} second${wait === 1 ? "" : "s"}.`,
			),
		);
	}

	if (match === undefined || !match.methods.includes(method)) {
		return sendError(new SimError(404, "route_not_found", `No route for ${method} ${url.pathname}.`));
	}

	let scope: string | undefined;
	let requestHash = "";
	if (method === "POST" && req.headers["idempotency-key"] !== undefined) {
		const header = req.headers["idempotency-key"];
		const idemKey = Array.isArray(header) ? (header[0] ?? "") : header;
		// Node decodes header bytes as latin1, so this counts the bytes that were on the wire.
		const length = Buffer.byteLength(idemKey, "latin1");
		if (length === 0 || length > 255) {
			return sendError(
				new SimError(
					400,
					"invalid_idempotency_key",
					`Idempotency-Key must be 1 to 255 bytes, got ${length}.`,
					"Idempotency-Key",
				),
			);
		}
		// Scope: workspace + method + concrete path (§12.16); the key's bytes are opaque.
		scope = `${engine.organization.id} POST ${url.pathname} ${idemKey}`;
		requestHash = hashBody(raw);
		const begin = engine.idempotency.begin(scope, requestHash, engine.now());
		if (begin.kind === "replay") {
			counters.idempotentReplays += 1;
			return send(begin.response.status, begin.response.body, { "Idempotent-Replayed": "true" });
		}
		if (begin.kind === "reused") {
			return sendError(
				new SimError(
					409,
					"idempotency_key_reused",
					"This Idempotency-Key was already used with a different request body.",
				),
			);
		}
		if (begin.kind === "in-use") {
			return sendError(
				new SimError(
					409,
					"idempotency_key_in_use",
					"A request with this Idempotency-Key is still being processed. Retry shortly.",
				),
			);
		}
	}

	try {
		await processRequest(engine, method, match, url, raw, key, { send, sendError, drop }, scope, requestHash);
	} finally {
		// A request that ended without storing a success (error, drop, close) frees its key (§5 "Failed requests").
		if (scope !== undefined) engine.idempotency.abandon(scope);
	}
}

interface Responder {
	send(status: number, body: Buffer | string, extra?: Headers): void;
	sendError(error: SimError, extra?: Headers): void;
	drop(): void;
}

async function processRequest(
	engine: SimEngine,
	method: string,
	match: RouteMatch,
	url: URL,
	raw: Buffer,
	key: ApiKeyRecord,
	out: Responder,
	scope: string | undefined,
	requestHash: string,
): Promise<void> {
	const faults = engine.faults;
	const prng = engine.faultPrng;
	const eligible = method === "POST" || faults.methods === "all";
	const scripted = engine.scripted.take(method, match.route, lenientJson(raw));
	if (scripted !== undefined) engine.countFault("scripted");

	let delay = faults.latencyMaxMs > 0 ? prng.int(faults.latencyMinMs, faults.latencyMaxMs) : 0;
	if (prng.chance(faults.tailProbability)) {
		engine.countFault("tail");
		delay += faults.tailMs;
	}
	if (scripted?.kind === "hang") delay += scripted.hangMs ?? 30_000;
	else if (eligible && prng.chance(faults.hang)) {
		engine.countFault("hang");
		delay += faults.hangMs;
	}
	if (delay > 0 && !(await engine.sleep(delay))) return;

	const scriptedError = (): SimError => {
		const status = scripted?.status ?? 500;
		return new SimError(
			status,
			scripted?.code ?? (status >= 500 ? "internal_error" : "scripted_fault"),
			scripted?.message ?? "Scripted fault.",
			scripted?.field,
			scripted?.type,
		);
	};

	if (scripted !== undefined && scripted.kind !== "hang" && (scripted.when ?? "before") === "before") {
		return scripted.kind === "reset" ? out.drop() : out.sendError(scriptedError());
	}
	if (eligible && prng.chance(faults.reset)) {
		engine.countFault("reset");
		return out.drop();
	}
	if (eligible && prng.chance(faults.serverError)) {
		engine.countFault("5xx");
		return out.sendError(internalError());
	}

	let status: number;
	let body: string;
	try {
		const result = dispatch(engine, method, match, raw, url.searchParams, key);
		status = result.status;
		body = JSON.stringify(result.body);
	} catch (error) {
		if (!(error instanceof SimError)) throw error;
		status = error.status;
		body = JSON.stringify(error.envelope());
	}
	const ok = status >= 200 && status < 300;
	const bytes = Buffer.from(body);
	if (ok && scope !== undefined)
		engine.idempotency.complete(scope, requestHash, { status, body: bytes }, engine.now());
	if (ok && method === "POST") {
		const kind = engine.createdBy(match.route);
		if (kind !== undefined) engine.counters.created[kind] = (engine.counters.created[kind] ?? 0) + 1;
	}

	// After-work faults: the record exists and its idempotency record is stored, but the client never learns it.
	if (scripted !== undefined && scripted.when === "after") {
		return scripted.kind === "reset" ? out.drop() : out.sendError(scriptedError());
	}
	if (eligible && prng.chance(faults.resetAfter)) {
		engine.countFault("reset-after");
		return out.drop();
	}
	if (eligible && prng.chance(faults.serverErrorAfter)) {
		engine.countFault("5xx-after");
		return out.sendError(internalError());
	}
	out.send(status, bytes);
}
