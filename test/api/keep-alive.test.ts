import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/errors.js";
import { clientsPerTest, errorEnvelope, type Handler, json, ME } from "./loopback.js";

const connect = clientsPerTest();

function setup(handler: Handler, connections?: number) {
	return connect(handler, connections === undefined ? {} : { connections });
}

describe("connection reuse", () => {
	it("sends many sequential requests over one or two sockets", async () => {
		const { server, client } = await setup((_req, res) => json(res, 201, { object: "customer", id: "c" }));
		for (let i = 0; i < 50; i++) await client.createCustomer(`{"name":"n${i}"}`, `k${i}`);
		expect(server.requests).toHaveLength(50);
		// The pool may open a second socket for request 2 while the first is still being marked
		// free; after that the count never grows (measured: 1, 2, 2, 2, … over 200 requests).
		expect(server.connections()).toBeLessThanOrEqual(2);
	});

	it("still reuses the socket after many 4xx answers with bodies (bodies are consumed)", async () => {
		const big = "x".repeat(64 * 1024);
		const { server, client } = await setup((req, res) => {
			if (req.url.endsWith("/html")) {
				res.writeHead(404, { "content-type": "text/html" });
				res.end(`<html>${big}</html>`);
			} else {
				json(res, 400, {
					...(errorEnvelope("invalid_request_error", "missing_field", "name", "name") as object),
					big,
				});
			}
		});
		for (let i = 0; i < 40; i++) {
			const error = await client
				.getCustomer(i % 2 === 0 ? "html" : "json")
				.then(() => undefined)
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(ApiError);
		}
		// An unread body would cost a socket per request: 40 here.
		expect(server.connections()).toBeLessThanOrEqual(2);
	});

	it("opens at most `connections` sockets for concurrent requests", async () => {
		const { server, client } = await setup((_req, res) => {
			setTimeout(() => json(res, 200, { object: "customer", id: "c_1" }), 10);
		}, 4);
		await Promise.all(Array.from({ length: 40 }, (_, i) => client.getCustomer(String(i))));
		expect(server.requests).toHaveLength(40);
		expect(server.connections()).toBeLessThanOrEqual(4);
	});

	it("close() closes the pool's sockets and is idempotent", async () => {
		const { server, client } = await setup((_req, res) => json(res, 200, ME));
		await client.me();
		const closed = new Promise<void>((resolve) => {
			const check = setInterval(() => {
				// The server sees the socket end once the pool closes it.
				if (server.requests.length === 1) {
					clearInterval(check);
					resolve();
				}
			}, 5);
		});
		await Promise.all([client.close(), client.close()]);
		await closed;
		await expect(client.me()).rejects.toThrow();
	});
});
