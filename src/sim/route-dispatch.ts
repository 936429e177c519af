/**
 * The work of one request the pipeline let through (api-handler.ts): a resource's handler, or the
 * simulator's own `/health` and `/me`. Apart from the pipeline because it knows nothing of
 * auth, limits, idempotency or faults: it turns a matched route into a status and a body.
 */

import type { ApiKeyRecord } from "./key-registry.js";
import { parsePageQuery } from "./pagination.js";
import type { HandlerResult } from "./resource-context.js";
import type { RouteMatch } from "./router.js";
import type { SimEngine } from "./sim-engine.js";
import { SimError } from "./sim-error.js";
import type { Body } from "./validate.js";

/** Parses a write body; an empty body reads as `{}` so the first required field is what gets reported. */
function parseBody(raw: Buffer): Body {
	if (raw.length === 0) return {};
	let value: unknown;
	try {
		value = JSON.parse(raw.toString("utf8"));
	} catch {
		throw new SimError(400, "invalid_json", "The request body is not valid JSON.");
	}
	if (value === null || typeof value !== "object" || Array.isArray(value)) {
		throw new SimError(400, "invalid_type", "The request body must be a JSON object.");
	}
	return value as Body;
}

export function dispatch(
	engine: SimEngine,
	method: string,
	match: RouteMatch,
	raw: Buffer,
	params: URLSearchParams,
	key: ApiKeyRecord | undefined,
): HandlerResult {
	if (match.handler !== undefined) {
		return match.handler.handle(engine.context, {
			method,
			id: match.id,
			body: () => parseBody(raw),
			page: () => parsePageQuery(params),
			params,
		});
	}
	if (match.route === "/health")
		return { status: 200, body: { status: "ok", timestamp: new Date(engine.now()).toISOString() } };
	if (key === undefined) throw new Error("/me needs an authenticated key");
	return { status: 200, body: meBody(engine, key) };
}

function meBody(engine: SimEngine, key: ApiKeyRecord): unknown {
	return {
		object: "me",
		api_key: {
			id: key.id,
			name: key.name,
			prefix: key.prefix,
			scopes: ["read", "write"],
			rate_limit_tier: key.tier,
		},
		organization: { ...engine.organization },
	};
}
