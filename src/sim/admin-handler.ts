import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultConfig } from "./fault-config.js";
import { scriptedFaultFromJson } from "./scripted-faults.js";
import type { SimEngine } from "./sim-engine.js";

export const ADMIN_PREFIX = "/_admin";

/**
 * Test surface outside /api/v1: no auth, no rate limit, no faults, not counted.
 *
 *   GET    /_admin/state            every object (deleted flagged) and keys
 *   GET    /_admin/export           restartable snapshot (pass as `state` to startSimulator)
 *   GET    /_admin/counters         request counters
 *   GET    /_admin/duplicates       duplicate creations report
 *   GET    /_admin/faults           { config, scripted }
 *   PUT    /_admin/faults           body: partial FaultConfig, or { "spec": "5xx=0.1,…" }
 *   POST   /_admin/faults/scripted  body: one scripted fault or an array of them
 *   DELETE /_admin/faults/scripted  clear scripted faults
 *   POST   /_admin/keys/revoke      body: { "key": "pivotal_…" }
 *   POST   /_admin/reset            drop all data, windows, idempotency, counters
 */
type AdminResult = readonly [status: number, body: unknown];

function adminError(status: number, message: string): AdminResult {
	return [
		status,
		{ error: { type: status === 404 ? "not_found" : "invalid_request_error", code: "admin_error", message } },
	];
}

export function handleAdmin(
	engine: SimEngine,
	req: IncomingMessage,
	res: ServerResponse,
	path: string,
	raw: Buffer,
): void {
	const method = (req.method ?? "GET").toUpperCase();
	const [status, body] = route(engine, method, path, raw);
	const bytes = Buffer.from(JSON.stringify(body));
	res.writeHead(status, {
		Date: new Date(engine.now()).toUTCString(),
		"Content-Type": "application/json; charset=utf-8",
		"Content-Length": String(bytes.length),
	});
	res.end(bytes);
}

function route(engine: SimEngine, method: string, path: string, raw: Buffer): AdminResult {
	let body: unknown;
	try {
		body = raw.length === 0 ? undefined : JSON.parse(raw.toString("utf8"));
	} catch {
		return adminError(400, "The admin request body is not valid JSON.");
	}
	try {
		switch (`${method} ${path}`) {
			case "GET /_admin/state":
				return [200, engine.stateDump()];
			case "GET /_admin/export":
				return [200, engine.exportState()];
			case "GET /_admin/counters":
				return [200, engine.counters];
			case "GET /_admin/duplicates":
				return [200, engine.duplicates()];
			case "GET /_admin/faults":
				return [200, { config: engine.faults, scripted: engine.scripted.list() }];
			case "PUT /_admin/faults": {
				const patch =
					body !== null && typeof body === "object" && typeof (body as { spec?: unknown }).spec === "string"
						? (body as { spec: string }).spec
						: (body as Partial<FaultConfig>);
				if (
					patch === undefined ||
					patch === null ||
					(typeof patch !== "string" && typeof patch !== "object")
				) {
					return adminError(400, 'Send a partial fault config object or {"spec": "…"}.');
				}
				return [200, { config: engine.setFaults(patch) }];
			}
			case "POST /_admin/faults/scripted": {
				const rules = (Array.isArray(body) ? body : [body]).map(scriptedFaultFromJson);
				for (const rule of rules) engine.scripted.push(rule);
				return [200, { scripted: engine.scripted.list() }];
			}
			case "DELETE /_admin/faults/scripted":
				engine.scripted.clear();
				return [200, { scripted: [] }];
			case "POST /_admin/keys/revoke": {
				const key = (body as { key?: unknown } | undefined)?.key;
				if (typeof key !== "string" || key === "") return adminError(400, 'Send {"key": "pivotal_…"}.');
				const record = engine.keys.revoke(key);
				return [200, { id: record.id, prefix: record.prefix, revoked: true }];
			}
			case "POST /_admin/reset":
				engine.reset();
				return [200, { reset: true }];
			default:
				return adminError(404, `No admin route ${method} ${path}.`);
		}
	} catch (error) {
		return adminError(400, error instanceof Error ? error.message : String(error));
	}
}
