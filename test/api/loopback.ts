// A scripted node:http server on 127.0.0.1 for the client tests: records every request (headers
// and exact body bytes) and counts TCP connections, so tests can check keep-alive reuse.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { type ClientOptions, createClient } from "../../src/api/client.js";
import type { PivotalClient } from "../../src/api/types.js";

export const API_KEY = "pivotal_test_Zk3mQ9sW2xV7bN4pL8a1b2";

export interface Recorded {
	readonly method: string;
	readonly url: string;
	readonly headers: IncomingHttpHeaders;
	readonly body: Buffer;
}

export type Handler = (request: Recorded, res: ServerResponse, req: IncomingMessage) => void;

export interface Loopback {
	/** `http://127.0.0.1:<port>/api/v1` */
	readonly baseUrl: string;
	readonly port: number;
	readonly requests: Recorded[];
	/** TCP connections accepted so far. */
	readonly connections: () => number;
	close(): Promise<void>;
}

export async function startLoopback(handler: Handler): Promise<Loopback> {
	const requests: Recorded[] = [];
	let connections = 0;
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (chunk: Buffer) => chunks.push(chunk));
		req.on("end", () => {
			const recorded: Recorded = {
				method: req.method ?? "",
				url: req.url ?? "",
				headers: req.headers,
				body: Buffer.concat(chunks),
			};
			requests.push(recorded);
			handler(recorded, res, req);
		});
	});
	server.on("connection", () => {
		connections += 1;
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/api/v1`,
		port,
		requests,
		connections: () => connections,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** A sound answer to `GET /me`: the client refuses one without its organization. */
export const ME = {
	object: "me",
	api_key: { id: "key_1", name: "ci", prefix: "pivotal_", scopes: [], rate_limit_tier: "standard" },
	organization: { id: "org_1", slug: "acme", name: "Acme" },
};

/** Sends `body` as JSON with `status` and extra headers. */
export function json(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string | number> = {},
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		"content-type": "application/json",
		"content-length": Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

export function errorEnvelope(type: string, code: string, message: string, field?: string): unknown {
	return { error: field === undefined ? { type, code, message } : { type, code, message, field } };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/**
 * `connect(handler, options)`: a loopback server and a client of it, both closed after each
 * test; `options` (or a function of the server giving them) override the client's. Call it at
 * the top of a test file.
 */
export function clientsPerTest(): (
	handler: Handler,
	options?: Partial<ClientOptions> | ((server: Loopback) => Partial<ClientOptions>),
) => Promise<{ server: Loopback; client: PivotalClient }> {
	const open: { server: Loopback; client: PivotalClient }[] = [];
	afterEach(async () => {
		for (const { server, client } of open.splice(0)) {
			await client.close();
			await server.close();
		}
	});
	return async (handler, options = {}) => {
		const server = await startLoopback(handler);
		const extra = typeof options === "function" ? options(server) : options;
		const client = createClient({ baseUrl: server.baseUrl, apiKey: API_KEY, ...extra });
		open.push({ server, client });
		return { server, client };
	};
}
