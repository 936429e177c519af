import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { ApiError } from "../../src/api/errors.js";
import type { ResponseInfo } from "../../src/api/types.js";
import { API_KEY, clientsPerTest, errorEnvelope, type Handler, json, ME } from "./loopback.js";

const customer = { object: "customer", id: "c_1", display_id: 1, name: "Acme", slug: "acme", metadata: {} };

const connect = clientsPerTest();

function setup(handler: Handler, onResponse?: (info: ResponseInfo) => void) {
	return connect(handler, onResponse ? { onResponse } : {});
}

describe("requests", () => {
	it("sends auth, accept, content type, user agent, idempotency key and the exact body bytes", async () => {
		const { server, client } = await setup((_req, res) => json(res, 201, customer));
		// Odd spacing, key order and non-ASCII: the bytes must arrive untouched.
		const body = '{"name":"Café  Ünïcode ☕","slug":"cafe",  "metadata":{"external_id":"E-1"}}';
		const result = await client.createCustomer(body, "customer-create-E-1-20000");
		expect(result.status).toBe(201);
		const [request] = server.requests;
		expect(request?.method).toBe("POST");
		expect(request?.url).toBe("/api/v1/customers");
		expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(request?.headers.accept).toBe("application/json");
		expect(request?.headers["content-type"]).toBe("application/json");
		expect(request?.headers["idempotency-key"]).toBe("customer-create-E-1-20000");
		expect(request?.headers["user-agent"]).toMatch(/^pivotal-tui\/\d+\.\d+\.\d+/);
		expect(request?.body.equals(Buffer.from(body, "utf8"))).toBe(true);
	});

	it("sends no content type or idempotency key on GET", async () => {
		const { server, client } = await setup((_req, res) => json(res, 200, customer));
		await client.getCustomer("42");
		const [request] = server.requests;
		expect(request?.method).toBe("GET");
		expect(request?.url).toBe("/api/v1/customers/42");
		expect(request?.headers["content-type"]).toBeUndefined();
		expect(request?.headers["idempotency-key"]).toBeUndefined();
		expect(request?.body.length).toBe(0);
	});

	it("builds every path under the base URL's prefix and encodes ids and queries", async () => {
		const list = { object: "list", data: [], has_more: false, next_cursor: null };
		const { server, client } = await setup((req, res) =>
			json(
				res,
				req.method === "POST" ? 201 : 200,
				req.url.includes("/me")
					? ME
					: req.method === "POST" || /\/customers\/[^/?]+$/.test(req.url)
						? customer
						: list,
			),
		);
		await client.me();
		await client.createContact("c/1 ?#", "{}", "k1");
		await client.createOnboarding('{"customer_id":"c_1"}', "k2");
		await client.getCustomer("a/b");
		await client.listCustomers({ limit: 5, cursor: "2026-05-26T17:21:09.412Z", status: "at risk" });
		await client.listCustomers();
		await client.listContacts("c 1", { limit: 100 });
		await client.listCustomerOnboardings("c_1", { cursor: "x&y" });
		expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
			"GET /api/v1/me",
			"POST /api/v1/customers/c%2F1%20%3F%23/contacts",
			"POST /api/v1/onboardings",
			"GET /api/v1/customers/a%2Fb",
			"GET /api/v1/customers?limit=5&cursor=2026-05-26T17%3A21%3A09.412Z&status=at+risk",
			"GET /api/v1/customers",
			"GET /api/v1/customers/c%201/contacts?limit=100",
			"GET /api/v1/customers/c_1/onboardings?cursor=x%26y",
		]);
	});

	it("keeps a base URL's trailing slash out of the path", async () => {
		const { server, client } = await connect(
			(_req, res) => json(res, 200, customer),
			(s) => ({ baseUrl: `${s.baseUrl}/`, userAgent: "custom/1" }),
		);
		expect(client.baseUrl).toBe(server.baseUrl);
		await client.getCustomer("1");
		expect(server.requests[0]?.url).toBe("/api/v1/customers/1");
		expect(server.requests[0]?.headers["user-agent"]).toBe("custom/1");
	});
});

describe("success", () => {
	it("returns status, parsed data, no rate limit without headers, and replayed false", async () => {
		const { client } = await setup((_req, res) => json(res, 200, customer));
		const result = await client.getCustomer("1");
		expect(result).toEqual({ status: 200, data: customer, rateLimit: undefined, replayed: false });
	});

	it("marks Idempotent-Replayed: true as replayed and accepts 200 for a create", async () => {
		const { client } = await setup((_req, res) =>
			json(res, 200, customer, { "idempotent-replayed": "true" }),
		);
		const result = await client.createCustomer('{"name":"Acme"}', "k");
		expect(result.status).toBe(200);
		expect(result.replayed).toBe(true);
		expect(result.data.id).toBe("c_1");
	});

	it("turns a 2xx body that is not JSON into an ApiError without losing the status", async () => {
		const { client } = await setup((_req, res) => {
			res.writeHead(200, { "content-type": "text/html" });
			res.end("<html>hello</html>");
		});
		const error = await client.getCustomer("1").catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({ status: 200, type: "internal_error", code: "invalid_json" });
	});
});

describe("errors", () => {
	it("maps the error envelope onto ApiError fields", async () => {
		const { client } = await setup((_req, res) =>
			json(res, 409, errorEnvelope("conflict", "slug_taken", "Slug acme is taken.", "slug"), {
				"x-ratelimit-limit": 60,
				"x-ratelimit-remaining": 10,
				"x-ratelimit-reset": Math.ceil(Date.now() / 1000) + 30,
				date: new Date().toUTCString(),
			}),
		);
		const error = await client.createCustomer('{"name":"Acme"}', "k").catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		const apiError = error as ApiError;
		expect(apiError).toMatchObject({
			status: 409,
			type: "conflict",
			code: "slug_taken",
			field: "slug",
			message: "Slug acme is taken.",
			retryAfterMs: undefined,
		});
		expect(apiError.rateLimit).toMatchObject({ limit: 60, remaining: 10 });
		expect(apiError.responseBody).toEqual(
			errorEnvelope("conflict", "slug_taken", "Slug acme is taken.", "slug"),
		);
	});

	it("leaves field undefined when the envelope has none", async () => {
		const { client } = await setup((_req, res) =>
			json(res, 404, errorEnvelope("not_found", "customer_not_found", "No such customer.")),
		);
		const error = (await client.getCustomer("9").catch((e: unknown) => e)) as ApiError;
		expect(error).toMatchObject({
			status: 404,
			type: "not_found",
			code: "customer_not_found",
			field: undefined,
		});
	});

	it.each([
		[502, "<html><body>Bad gateway</body></html>", "internal_error"],
		[503, "", "internal_error"],
		[500, '{"message":"oops"}', "internal_error"],
		[429, "slow down", "rate_limit_error"],
		[401, "", "authentication_error"],
		[418, "teapot", "invalid_request_error"],
	])(
		"synthesises type and code from HTTP %i when the body is not an envelope",
		async (status, body, type) => {
			const { server, client } = await setup((_req, res) => {
				res.writeHead(status, { "content-type": "text/html" });
				res.end(body);
			});
			const error = (await client.getCustomer("1").catch((e: unknown) => e)) as ApiError;
			expect(error).toBeInstanceOf(ApiError);
			expect(error.status).toBe(status);
			expect(error.type).toBe(type);
			expect(error.code).toBe(`http_${status}`);
			expect(error.message).toBe(
				`127.0.0.1:${server.port} answered HTTP ${status} without a Pivotal error body.`,
			);
			if (body !== "") expect(error.message).not.toContain(body);
		},
	);

	it("never puts the key in a message, even when the server echoes it", async () => {
		const { client } = await setup((_req, res) =>
			json(res, 401, errorEnvelope("authentication_error", "invalid_api_key", `Unknown key ${API_KEY}.`)),
		);
		const error = (await client.me().catch((e: unknown) => e)) as ApiError;
		expect(error.code).toBe("invalid_api_key");
		expect(error.message).not.toContain(API_KEY);
		expect(error.message).toBe("Unknown key pivotal_test_…a1b2.");
		expect(error.rateLimit).toBeUndefined();
	});

	it("never puts the key in a message when the server echoes it base64-encoded, as an Authorization", async () => {
		const basic = Buffer.from(`${API_KEY}:`).toString("base64");
		const { client } = await setup((_req, res) =>
			json(res, 401, errorEnvelope("authentication_error", "invalid_api_key", `Rejected Basic ${basic}.`)),
		);
		const error = (await client.me().catch((e: unknown) => e)) as ApiError;
		expect(error.message).not.toContain(basic.slice(4, 24));
		expect(error.message).toContain("pivotal_test_…a1b2");
	});
});

describe("onResponse", () => {
	it("reports every response with method, path, status, error code and timing, never the key", async () => {
		const infos: ResponseInfo[] = [];
		let n = 0;
		const { client } = await setup(
			(req, res) => {
				n += 1;
				if (n === 2)
					json(res, 400, errorEnvelope("invalid_request_error", "missing_field", "name is required", "name"));
				else if (req.method === "POST") json(res, 201, customer);
				else json(res, 200, { object: "list", data: [customer], has_more: false, next_cursor: null });
			},
			(info) => infos.push(info),
		);
		await client.createCustomer("{}", "k1");
		await client.createCustomer("{}", "k2").catch(() => undefined);
		await client.listCustomers({ limit: 2 }).catch(() => undefined);
		expect(infos.map((i) => [i.method, i.path, i.status, i.errorCode])).toEqual([
			["POST", "/api/v1/customers", 201, undefined],
			["POST", "/api/v1/customers", 400, "missing_field"],
			["GET", "/api/v1/customers?limit=2", 200, undefined],
		]);
		for (const info of infos) {
			expect(info.durationMs).toBeGreaterThanOrEqual(0);
			expect(info.startedAtMs).toBeGreaterThan(0);
			expect(info.failure).toBeUndefined();
			expect(JSON.stringify(info)).not.toContain(API_KEY);
		}
	});
});

describe("construction", () => {
	it("rejects a key that cannot travel in a header without echoing it", () => {
		const bad = "pivotal_abc\r\nX-Evil: 1";
		expect(() => createClient({ baseUrl: "http://127.0.0.1:1/api/v1", apiKey: bad })).toThrow(
			/cannot be sent in an HTTP header/,
		);
		try {
			createClient({ baseUrl: "http://127.0.0.1:1/api/v1", apiKey: bad });
		} catch (error) {
			expect(String(error)).not.toContain("pivotal_abc");
		}
	});

	it("rejects a base URL that is not http(s)", () => {
		expect(() => createClient({ baseUrl: "ftp://x/api/v1", apiKey: API_KEY })).toThrow(TypeError);
	});

	it("leaves a caller-supplied dispatcher open on close", async () => {
		const { Pool } = await import("undici");
		const { server } = await connect((_req, res) => json(res, 200, customer));
		const pool = new Pool(`http://127.0.0.1:${server.port}`);
		const first = createClient({ baseUrl: server.baseUrl, apiKey: API_KEY, dispatcher: pool });
		await first.getCustomer("1");
		await first.close();
		const second = createClient({ baseUrl: server.baseUrl, apiKey: API_KEY, dispatcher: pool });
		expect((await second.getCustomer("1")).status).toBe(200);
		await pool.close();
	});
});

describe("redaction", () => {
	it("takes the key out of success data however it is written: plain, percent-encoded, \\u-escaped, a key", async () => {
		const secret = API_KEY.replace(/^pivotal_test_/, "");
		const escaped = [...API_KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
		const texts: Record<string, string> = {
			// No backslash anywhere: the text as a whole is searched first.
			plain: `{"object":"customer","id":"c_1","display_id":1,"name":"n","slug":"x%5F${secret.slice(0, 14)}","metadata":{"${API_KEY}":"v","note":"${secret.toUpperCase()}"}}`,
			escaped: `{"object":"customer","id":"c_1","display_id":1,"name":"${escaped}","slug":"s","metadata":{}}`,
		};
		const { client } = await connect((req, res) => {
			const text = texts[req.url.split("/").pop() ?? ""] ?? "{}";
			res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
			res.end(text);
		});
		for (const name of Object.keys(texts)) {
			const { data } = await client.getCustomer(name);
			expect(JSON.stringify(data).toLowerCase()).not.toContain(secret.slice(0, 12).toLowerCase());
			expect(data.id).toBe("c_1");
		}
	});

	it("hands success data without the key over as sent, whether its length is declared or chunked", async () => {
		const body = { ...customer, name: 'Acme "Quoted" \u00e9', metadata: { note: "no secret here" } };
		const { client } = await connect((req, res) => {
			const text = JSON.stringify(body);
			if (req.url.endsWith("/declared")) return json(res, 200, body);
			// No Content-Length: read a chunk at a time, under the cap.
			res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
			res.write(text.slice(0, 10));
			res.end(text.slice(10));
		});
		expect((await client.getCustomer("declared")).data).toEqual(body);
		expect((await client.getCustomer("chunked")).data).toEqual(body);
	});

	it("leaves server messages intact when the key is too short to be a secret", async () => {
		const { client } = await connect(
			(_req, res) =>
				json(res, 401, errorEnvelope("authentication_error", "invalid_api_key", "Unknown key k.")),
			{ apiKey: "k" },
		);
		const error = (await client.me().catch((e: unknown) => e)) as ApiError;
		expect(error.message).toBe("Unknown key k.");
	});
});
