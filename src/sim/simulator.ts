import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ADMIN_PREFIX, handleAdmin } from "./admin-handler.js";
import { handleApi } from "./api-handler.js";
import type { SimCounters } from "./counters.js";
import type { DuplicatesReport } from "./duplicates.js";
import type { FaultConfig } from "./fault-config.js";
import type { SimulatorOptions } from "./options.js";
import { API_PREFIX } from "./router.js";
import type { ScriptedFault } from "./scripted-faults.js";
import { SimEngine, type SimStateDump } from "./sim-engine.js";
import { SimError } from "./sim-error.js";
import type { SimSnapshot } from "./snapshot.js";

/** A running simulator plus in-process admin helpers (the same powers as `/_admin`). */
export interface Simulator {
	/** e.g. `http://127.0.0.1:43121/api/v1`. */
	readonly baseUrl: string;
	/** e.g. `http://127.0.0.1:43121`; the admin surface lives at `${origin}/_admin`. */
	readonly origin: string;
	readonly host: string;
	readonly port: number;
	/** Stops listening, drops open connections and abandons delayed requests. */
	close(): Promise<void>;
	/** Every object, soft-deleted ones flagged, plus keys. */
	state(): SimStateDump;
	/** A JSON-safe snapshot to start another simulator with (`startSimulator({ state })`). */
	exportState(): SimSnapshot;
	counters(): SimCounters;
	duplicates(): DuplicatesReport;
	/** Current random fault settings. */
	faults(): FaultConfig;
	/** Merges settings (object or `--faults` spec) into the random faults; throws one sentence if invalid. */
	setFaults(patch: Partial<FaultConfig> | string): FaultConfig;
	/** Arms a scripted fault (see ScriptedFault). */
	pushFault(rule: ScriptedFault): void;
	clearScriptedFaults(): void;
	/** The key's next request gets 401 `api_key_revoked`. */
	revokeKey(key: string): void;
	/** Drops data, keys, windows, idempotency records, counters and scripted faults. */
	reset(): void;
}

/** Collects the body with plain listeners (cheaper per request than an async iterator); undefined when over `max`. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooBig = false;
		req.on("data", (chunk: Buffer) => {
			size += chunk.length;
			if (size > max) tooBig = true;
			else chunks.push(chunk);
		});
		req.on("end", () => {
			if (tooBig) resolve(undefined);
			else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
		});
		req.on("error", reject);
	});
}

function replyError(engine: SimEngine, res: ServerResponse, error: SimError): void {
	if (res.headersSent || res.destroyed) return;
	const bytes = Buffer.from(JSON.stringify(error.envelope()));
	res.writeHead(error.status, {
		Date: new Date(engine.now()).toUTCString(),
		"Content-Type": "application/json; charset=utf-8",
		"Content-Length": String(bytes.length),
	});
	res.end(bytes);
}

/** Starts the Pivotal API simulator on loopback (by default) and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const engine = new SimEngine(options);
	const server = createServer(async (req, res) => {
		// The Date header follows the injected clock, so clients correcting skew see a consistent server.
		res.sendDate = false;
		try {
			const url = new URL(req.url ?? "/", "http://sim.local");
			const raw = await readBody(req, engine.maxBodyBytes);
			if (raw === undefined) {
				return replyError(
					engine,
					res,
					// 400 rather than 413 keeps the §4 rule that the error type follows from the status.
					new SimError(400, "body_too_large", `Request bodies are limited to ${engine.maxBodyBytes} bytes.`),
				);
			}
			const path = url.pathname;
			if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
				await handleApi(engine, req, res, path.slice(API_PREFIX.length), url, raw);
			} else if (path.startsWith(`${ADMIN_PREFIX}/`)) {
				handleAdmin(engine, req, res, path, raw);
			} else {
				replyError(
					engine,
					res,
					new SimError(
						404,
						"route_not_found",
						`No route for ${req.method} ${path}; the API lives under ${API_PREFIX}.`,
					),
				);
			}
		} catch {
			// A bug in the simulator must still look like a server fault to the client, not a hang.
			replyError(
				engine,
				res,
				new SimError(500, "internal_error", "The simulator failed to handle this request."),
			);
		}
	});
	// Long keep-alive so a benchmark's connection pool is not churned by idle timeouts.
	server.keepAliveTimeout = 65_000;
	const host = options.host ?? "127.0.0.1";
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, host, () => {
			server.off("error", reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
	let closing: Promise<void> | undefined;
	return {
		baseUrl: `${origin}${API_PREFIX}`,
		origin,
		host,
		port,
		close() {
			closing ??= new Promise<void>((resolve) => {
				engine.close();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
		state: () => engine.stateDump(),
		exportState: () => engine.exportState(),
		counters: () => structuredClone(engine.counters),
		duplicates: () => engine.duplicates(),
		faults: () => ({ ...engine.faults }),
		setFaults: (patch) => engine.setFaults(patch),
		pushFault: (rule) => engine.scripted.push(rule),
		clearScriptedFaults: () => engine.scripted.clear(),
		revokeKey: (key) => {
			engine.keys.revoke(key);
		},
		reset: () => engine.reset(),
	};
}
