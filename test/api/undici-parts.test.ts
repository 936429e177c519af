import * as undici from "undici";
import { describe, expect, it } from "vitest";
import { buildConnector, Pool, parseHeaders } from "../../src/api/undici-parts.js";

// The client loads these from undici's own files rather than its index (a tenth of a run's start):
// an upgrade of undici that moves or replaces them must fail here, not in a user's run.
describe("the parts of undici the client loads by file", () => {
	it("are the very objects undici's index exports", () => {
		expect(Pool).toBe(undici.Pool);
		expect(buildConnector).toBe(undici.buildConnector);
		expect(parseHeaders).toBe(undici.util.parseHeaders);
	});

	it("work: parseHeaders reads raw header pairs", () => {
		const raw = [
			Buffer.from("Content-Type"),
			Buffer.from("application/json"),
			Buffer.from("X-A"),
			Buffer.from("1"),
		];
		expect(parseHeaders(raw)).toEqual({ "content-type": "application/json", "x-a": "1" });
	});
});
