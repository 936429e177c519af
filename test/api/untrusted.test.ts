import { describe, expect, it } from "vitest";
import { toApiError } from "../../src/api/api-error.js";
import { boundRateLimit, clampWait, clientLimitsFromEnv } from "../../src/api/client-limits.js";
import { secretRedactor } from "../../src/api/redact.js";
import { shapeProblem } from "../../src/api/response-shape.js";
import { capText, cleanJson, isNestedDeeper } from "../../src/api/untrusted-json.js";

const KEY = "pivotal_live_Hx93SECRETkey7777q9z8";
const redact = secretRedactor([{ secret: KEY, mask: "pivotal_…q9z8" }]);

function error(body: unknown, status = 400) {
	return toApiError({
		status,
		text: typeof body === "string" ? body : JSON.stringify(body),
		host: "api.test",
		rateLimit: undefined,
		retryAfterMs: undefined,
		redact,
	});
}

describe("toApiError: every string of an error answer is redacted, capped and escaped where it enters", () => {
	it("item 15: the key in type, code, field, message, extra fields, keys and nested arrays", () => {
		const e = error({
			error: {
				type: `t ${KEY}`,
				code: `c_${KEY}`,
				field: KEY,
				message: `Bearer ${KEY}`,
				[KEY]: KEY,
				details: [{ deeper: { again: `x${KEY}x` } }],
			},
			echo: KEY,
		});
		expect(JSON.stringify([e.type, e.code, e.field, e.message, e.responseBody])).not.toContain(KEY);
		expect(e.code).toBe("c_pivotal_…q9z8");
		expect(e.message).toBe("Bearer pivotal_…q9z8");
		expect(e.field).toBe("pivotal_…q9z8");
	});

	it("item 15: the key in a body that is not JSON", () => {
		const e = error(`<html>${KEY}</html>`, 502);
		expect(String(e.responseBody)).toBe("<html>pivotal_…q9z8</html>");
	});

	it("the key split by an escape sequence, a control or a zero-width character is found all the same (finding AI4)", () => {
		const cut = 16;
		for (const hidden of ["\u001b[0m", "\u0007", "\u200b", "\u001b]0;t\u0007", "\u202e"]) {
			const e = error({
				error: { code: "c3", message: `key is ${KEY.slice(0, cut)}${hidden}${KEY.slice(cut)}` },
			});
			expect(e.message).toBe("key is pivotal_…q9z8");
			expect(JSON.stringify(e.responseBody)).not.toContain(KEY.slice(cut));
		}
		// Text with controls and no key keeps them, shown escaped.
		expect(error({ error: { message: "m\u001b[0mx" } }).message).toBe("m\\x1b[0mx");
	});

	it("item 16: control characters in code, message and field are shown escaped", () => {
		const e = error({ error: { code: "a\u001b[2J", message: "m\u0007\n", field: "f\u009b" } });
		expect([e.code, e.message, e.field]).toEqual(["a\\x1b[2J", "m\\x07\\x0a", "f\\x9b"]);
	});

	it("a right-to-left override or isolate in a message is shown, not acted on (seen with finding N5)", () => {
		const e = error({ error: { code: "c\u2067", message: "Rejected: \u202etxt.exe" } });
		expect([e.code, e.message]).toEqual(["c\\u2067", "Rejected: \\u202etxt.exe"]);
	});

	it("item 11: a 200 KB message is kept as 300 characters and its length; a body too large is said so", () => {
		const e = error({ error: { code: "c", message: "m".repeat(200_000) } });
		expect(e.message).toBe(`${"m".repeat(300)}… (200000 characters)`);
		const cut = toApiError({
			status: 500,
			text: '{"error":{"mess',
			isCut: true,
			host: "api.test",
			rateLimit: undefined,
			retryAfterMs: undefined,
			redact,
		});
		expect(cut.message).toBe("api.test answered HTTP 500 with an error body too large to read.");
		expect(cut.code).toBe("http_500");
	});

	it("item 11: a response body is pruned in depth and breadth", () => {
		let deep: unknown = "bottom";
		for (let i = 0; i < 10_000; i++) deep = [deep];
		const kept = JSON.stringify(
			cleanJson({ deep, wide: Array.from({ length: 500 }, (_, i) => i) }, { redact, isShownOnly: true }),
		);
		expect(kept.length).toBeLessThan(2_000);
		expect(kept).toContain("(nested too deeply; not kept)");
		expect(kept).toContain("(450 more not kept)");
	});

	it("success data is only redacted, and a __proto__ key stays a plain property", () => {
		const data = cleanJson(
			JSON.parse(`{"id":"c_1","name":"${"n".repeat(5_000)}","__proto__":{"x":"${KEY}"}}`),
			{ redact, isShownOnly: false },
		) as Record<string, unknown>;
		expect((data.name as string).length).toBe(5_000);
		expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
		expect(JSON.stringify(data)).toContain('"__proto__":{"x":"pivotal_…q9z8"}');
	});

	it("capText keeps short text as it is", () => {
		expect(capText("abc", 3)).toBe("abc");
		expect(capText("abcd", 3)).toBe("abc… (4 characters)");
	});
});

describe("shapeProblem: item 10, a success answer must have the shape its call expects", () => {
	it.each([
		["record", { id: "c_1" }, undefined],
		["record", { object: "customer" }, "an object without a usable id"],
		["record", { id: 7 }, "an object without a usable id"],
		["record", { id: "a\u001bb" }, "an object without a usable id"],
		["record", [], "an array where an object was expected"],
		["record", null, "null where an object was expected"],
		["record", "text", "a string where an object was expected"],
		["deleted", { id: "c_1", deleted: true }, undefined],
		["list", { data: [{ id: "c_1" }], has_more: false }, undefined],
		["list", { data: {}, has_more: false }, "a list without its data array"],
		["list", { data: [null], has_more: false }, "a list with a row without a usable id"],
		["list", { data: [] }, "a list without has_more"],
		["me", { organization: { id: "org_1", name: "Acme" }, api_key: {} }, undefined],
		["me", { organization: { id: "org_1", name: "Acme" } }, "an answer to /me without its api_key"],
		["me", { object: "me" }, "an answer to /me without its organization"],
		["me", { organization: { id: "org_1" } }, "an answer to /me without the organization's name"],
	] as const)("%s %j → %s", (shape, data, problem) => {
		expect(shapeProblem(shape, data)).toBe(problem);
	});
});

describe("waits a server asks for: item 12", () => {
	it.each([
		[5_000, 3_600_000, { ms: 5_000 }],
		[-5, 3_600_000, { ms: 0 }],
		[9_999_999_000, 3_600_000, { ms: 3_600_000, asked: 9_999_999_000 }],
		[Number.POSITIVE_INFINITY, 1_000, { ms: 1_000, asked: 2 ** 31 - 1 }],
	])("clampWait(%d, %d)", (ms, max, expected) => {
		expect(clampWait(ms, max)).toEqual(expected);
	});

	it("a reset a year ahead is held to the longest wait; nonsense limits to sense", () => {
		const now = 1_000_000;
		const year = 365 * 86_400_000;
		expect(boundRateLimit({ limit: 60, remaining: 0, resetAtMs: now + year }, now, 3_600_000)).toEqual({
			limit: 60,
			remaining: 0,
			resetAtMs: now + 3_600_000,
			clampedFromMs: year,
		});
		expect(boundRateLimit({ limit: 1e12, remaining: 1e13, resetAtMs: now + 1 }, now, 10)).toEqual({
			limit: 100_000,
			remaining: 100_000,
			resetAtMs: now + 1,
		});
		expect(boundRateLimit({ limit: 0, remaining: 0, resetAtMs: now }, now, 10)).toBeUndefined();
		expect(boundRateLimit({ limit: 10, remaining: -3, resetAtMs: now }, now, 10)?.remaining).toBe(0);
	});

	it("the environment shortens the deadline and the longest wait; nonsense keeps the defaults", () => {
		expect(clientLimitsFromEnv({ PIVOTAL_TIMEOUT_SECONDS: "2", PIVOTAL_MAX_WAIT_SECONDS: "1" })).toEqual({
			timeouts: { requestMs: 2_000, headersMs: 2_000, bodyMs: 2_000, connectMs: 2_000 },
			maxWaitMs: 1_000,
		});
		expect(clientLimitsFromEnv({ PIVOTAL_TIMEOUT_SECONDS: "soon", PIVOTAL_MAX_WAIT_SECONDS: "-1" })).toEqual(
			{},
		);
		expect(clientLimitsFromEnv({ PIVOTAL_MAX_WAIT_SECONDS: "1e12" }).maxWaitMs).toBe(2 ** 31 - 1);
	});
});

describe("isNestedDeeper: the depth a success body may have", () => {
	const nested = (depth: number, open: string, close: string, inner = "1") =>
		`${open.repeat(depth)}${inner}${close.repeat(depth)}`;
	it.each([
		["64 arrays", nested(64, "[", "]"), false],
		["65 arrays", nested(65, "[", "]"), true],
		["65 objects", nested(65, '{"a":', "}"), true],
		["a record with a few levels", '{"id":"x","metadata":{"tags":["a","b"]}}', false],
		// Brackets inside strings open no level: the text alone cannot settle it, the walk does.
		["brackets in a string", JSON.stringify({ note: "[".repeat(100) }), false],
		["many siblings, shallow", JSON.stringify(Array.from({ length: 100 }, () => ({ a: [1] }))), false],
	])("%s", (_, text, deeper) => {
		const value = JSON.parse(text) as unknown;
		expect(isNestedDeeper(value, 64, text)).toBe(deeper);
		// The same answer as the walk alone.
		expect(isNestedDeeper(value, 64)).toBe(deeper);
	});
});
