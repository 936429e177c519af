// The client's answers read through its own dispatch handler (text-exchange.ts), over real HTTP on
// loopback: bodies in pieces, a byte-order mark, an error body past its cap, the whole-request
// deadline against a trickled body, and the caller's abort mid-body.
import { MockAgent } from "undici";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { ApiError, NetworkError } from "../../src/api/errors.js";
import { ERROR_BODY_MAX } from "../../src/api/read-body.js";
import { API_KEY, clientsPerTest, json } from "./loopback.js";

const connect = clientsPerTest();

const CUSTOMER = { object: "customer", id: "cus_1", display_id: 1, name: "Zoë Ærø" };

describe("the client's answer reader", () => {
	it("joins a chunked body whose pieces split a multi-byte character", async () => {
		const { client } = await connect((_req, res) => {
			const bytes = Buffer.from(JSON.stringify(CUSTOMER));
			const split = bytes.indexOf(Buffer.from("ë")) + 1;
			res.writeHead(200, { "content-type": "application/json" });
			res.write(bytes.subarray(0, split), () => setTimeout(() => res.end(bytes.subarray(split)), 20));
		});
		const answer = await client.getCustomer("cus_1");
		expect(answer.data).toEqual(CUSTOMER);
	});

	it("skips a leading byte-order mark, as undici's own reader does", async () => {
		const { client } = await connect((_req, res) => {
			const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(CUSTOMER))]);
			res.writeHead(200, { "content-type": "application/json", "content-length": text.length });
			res.end(text);
		});
		expect((await client.getCustomer("cus_1")).data).toEqual(CUSTOMER);
	});

	it("cuts an error body past its cap, says so, and the next request still goes out", async () => {
		let calls = 0;
		const { client, server } = await connect((_req, res) => {
			calls += 1;
			if (calls === 1) {
				res.writeHead(500, { "content-type": "application/json" });
				res.end(`{"error":{"message":"${"x".repeat(ERROR_BODY_MAX * 2)}"}}`);
			} else json(res, 200, CUSTOMER);
		});
		const error = await client.getCustomer("cus_1").catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect((error as ApiError).status).toBe(500);
		expect((error as ApiError).message).toContain("too large to read");
		expect((await client.getCustomer("cus_1")).data).toEqual(CUSTOMER);
		expect(server.requests).toHaveLength(2);
	});

	it("gives up a body trickled past the whole request's deadline, though each piece is in time", async () => {
		const { client } = await connect(
			(_req, res) => {
				res.writeHead(200, { "content-type": "application/json", "content-length": 10_000 });
				// A byte every 50 ms: the body timeout (between pieces) never fires; the deadline does.
				const timer = setInterval(() => res.write(" "), 50);
				res.on("close", () => clearInterval(timer));
			},
			{ timeouts: { requestMs: 300, bodyMs: 5_000, headersMs: 5_000 } },
		);
		const error = await client.getCustomer("cus_1").catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NetworkError);
		expect((error as NetworkError).reason).toBe("timeout");
		expect((error as NetworkError).message).toContain("took longer than");
	});

	it("ends at the caller's abort mid-body, as an abort, not a timeout", async () => {
		const stop = new AbortController();
		const { client } = await connect((_req, res) => {
			res.writeHead(200, { "content-type": "application/json", "content-length": 100 });
			res.write('{"object":', () => setTimeout(() => stop.abort(), 20));
		});
		const error = await client.getCustomer("cus_1", { signal: stop.signal }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NetworkError);
		expect((error as NetworkError).reason).toBe("aborted");
	});

	it("does not send at all when the caller's signal is aborted already", async () => {
		const { client, server } = await connect((_req, res) => json(res, 200, CUSTOMER));
		const error = await client.getCustomer("cus_1", { signal: AbortSignal.abort() }).catch((e: unknown) => e);
		expect((error as NetworkError).reason).toBe("aborted");
		expect(server.requests).toHaveLength(0);
	});

	it("answers through a dispatcher the caller supplies (undici's MockAgent here), as through its own pool", async () => {
		const agent = new MockAgent();
		agent.disableNetConnect();
		agent
			.get("http://api.test")
			.intercept({ path: "/api/v1/customers/cus_1", method: "GET" })
			.reply(200, CUSTOMER, { headers: { "content-type": "application/json" } });
		const client = createClient({ baseUrl: "http://api.test/api/v1", apiKey: API_KEY, dispatcher: agent });
		try {
			expect((await client.getCustomer("cus_1")).data).toEqual(CUSTOMER);
		} finally {
			await client.close();
			await agent.close();
		}
	});
});
