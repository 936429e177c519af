import { errors as undiciErrors } from "undici";
import { beforeEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { NetworkError } from "../../src/api/errors.js";
import { classifyFailure, isAbortError, toNetworkError } from "../../src/api/network-failure.js";
import type { ResponseInfo } from "../../src/api/types.js";
import { API_KEY, clientsPerTest, closedPort, type Handler, json } from "./loopback.js";

const connect = clientsPerTest();
let infos: ResponseInfo[] = [];
beforeEach(() => {
	infos = [];
});

function setup(handler: Handler, timeouts = { headersMs: 150, bodyMs: 150 }) {
	return connect(handler, { timeouts, onResponse: (info) => infos.push(info) });
}

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(NetworkError);
	const networkError = error as NetworkError;
	expect(networkError.message).not.toContain(API_KEY);
	expect(networkError.message).toMatch(/^The request to 127\.0\.0\.1:\d+ [^.]+\.$/);
	return networkError;
}

function expectOneFailureReport(reason: string) {
	expect(infos).toHaveLength(1);
	expect(infos[0]).toMatchObject({ status: 0, failure: reason, method: "GET" });
	expect(JSON.stringify(infos)).not.toContain(API_KEY);
}

describe("network faults", () => {
	it("times out waiting for headers from a server that never answers", async () => {
		const { client } = await setup(() => {});
		const error = await failure(client.getCustomer("1"));
		expect(error.reason).toBe("timeout");
		expect(error.message).toContain("response headers");
		expectOneFailureReport("timeout");
	});

	it("times out reading a body that stalls half way", async () => {
		const { client } = await setup((_req, res) => {
			res.writeHead(200, { "content-type": "application/json", "content-length": 100 });
			res.write('{"object":"cust');
		});
		const error = await failure(client.getCustomer("1"));
		expect(error.reason).toBe("timeout");
		expect(error.message).toContain("response body");
		expectOneFailureReport("timeout");
	});

	it("reports a reset when the server destroys the socket", async () => {
		const { client } = await setup((_req, res) => res.socket?.destroy());
		const error = await failure(client.createCustomer("{}", "k"));
		expect(error.reason).toBe("reset");
		expect(infos[0]).toMatchObject({ status: 0, failure: "reset", method: "POST" });
	});

	it("reports a reset when the connection drops mid-body", async () => {
		const { client } = await setup((_req, res) => {
			res.writeHead(200, { "content-type": "application/json", "content-length": 100 });
			res.write('{"object":', () => res.socket?.destroy());
		});
		const error = await failure(client.getCustomer("1"));
		expect(error.reason).toBe("reset");
	});

	it("names an unasked HTTP 100 Continue (undici drops the connection) as an answer it cannot read, not a lost connection", async () => {
		const { client } = await setup((_req, res) => {
			res.socket?.write("HTTP/1.1 100 Continue\r\n\r\n");
			json(res, 200, { object: "customer", id: "cus_1" });
		});
		const error = await failure(client.getCustomer("1"));
		expect(error.reason).toBe("reset");
		expect(error.message).toContain("got an answer it cannot read (an HTTP 100 Continue it did not ask for");
	});

	it("names an answer that is not HTTP at all", async () => {
		const { client } = await setup((_req, res) => res.socket?.end("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
		const error = await failure(client.getCustomer("1"));
		expect(error.message).toContain("got an answer that is not HTTP: check --base-url");
	});

	it("reports refused for a port nothing listens on", async () => {
		const port = await closedPort();
		const client = createClient({
			baseUrl: `http://127.0.0.1:${port}/api/v1`,
			apiKey: API_KEY,
			onResponse: (info) => infos.push(info),
		});
		const error = await failure(client.getCustomer("1"));
		expect(error.reason).toBe("refused");
		expect(error.message).toContain("not applied");
		expectOneFailureReport("refused");
	});

	it("reports aborted when the signal fires while waiting", async () => {
		const { client } = await setup(() => {}, { headersMs: 10_000, bodyMs: 10_000 });
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 30);
		const error = await failure(client.getCustomer("1", { signal: controller.signal }));
		expect(error.reason).toBe("aborted");
		expect(isAbortError(error)).toBe(true);
		expectOneFailureReport("aborted");
	});

	it("reports aborted without sending when the signal has already fired", async () => {
		const { server, client } = await setup((_req, res) => json(res, 200, {}));
		const controller = new AbortController();
		controller.abort();
		const error = await failure(client.createCustomer("{}", "k", { signal: controller.signal }));
		expect(error.reason).toBe("aborted");
		expect(server.requests).toHaveLength(0);
	});

	it("keeps working after faults", async () => {
		let n = 0;
		const { client } = await setup((_req, res) => {
			n += 1;
			if (n % 2 === 1) res.socket?.destroy();
			else json(res, 200, { object: "customer", id: "c_1" });
		});
		for (let i = 0; i < 3; i++) {
			await failure(client.getCustomer("1"));
			expect((await client.getCustomer("1")).status).toBe(200);
		}
	});
});

describe("classifyFailure", () => {
	it.each([
		[new undiciErrors.ConnectTimeoutError(), "timeout"],
		[new undiciErrors.HeadersTimeoutError(), "timeout"],
		[new undiciErrors.BodyTimeoutError(), "timeout"],
		[new undiciErrors.SocketError("other side closed"), "reset"],
		[Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "reset"],
		[Object.assign(new Error("write EPIPE"), { code: "EPIPE" }), "reset"],
		[new Error("other side closed"), "reset"],
		[Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "refused"],
		[new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]), "refused"],
		[new undiciErrors.RequestAbortedError(), "aborted"],
		[new DOMException("This operation was aborted", "AbortError"), "aborted"],
		[Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }), "other"],
		[new Error("wrapped", { cause: new undiciErrors.HeadersTimeoutError() }), "timeout"],
		["a string", "other"],
	])("classifies %s as %s", (error, reason) => {
		expect(classifyFailure(error)).toBe(reason);
	});

	it("says aborted whenever the call's signal fired, whatever undici threw", () => {
		const controller = new AbortController();
		controller.abort();
		expect(classifyFailure(new undiciErrors.SocketError("other side closed"), controller.signal)).toBe(
			"aborted",
		);
	});

	it("names the connect phase and DNS failures in one sentence", () => {
		expect(toNetworkError(new undiciErrors.ConnectTimeoutError(), "my.pivotal.app").message).toBe(
			"The request to my.pivotal.app timed out while connecting.",
		);
		expect(
			toNetworkError(Object.assign(new Error("getaddrinfo"), { code: "ENOTFOUND" }), "nope.example").message,
		).toBe("The request to nope.example failed: the host name could not be resolved.");
	});
});
