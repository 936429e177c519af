import type pg from "pg";
import { describe, expect, it } from "vitest";
import { failFastAfterTimeout, isKnownDead, queryTimeoutMs } from "../../src/core/state/pg-timeouts.js";

/** A client whose first query times out; a later one would be answered. */
function fakeClient(): { client: pg.Client; sent: string[] } {
	const sent: string[] = [];
	const client = {
		query: (text: string) => {
			sent.push(text);
			return sent.length === 1
				? Promise.reject(new Error("Query read timeout"))
				: Promise.resolve({ rows: [] });
		},
	} as unknown as pg.Client;
	return { client, sent };
}

describe("a connection whose query timed out", () => {
	it("is known dead: later queries fail at once with the same error and never reach the server", async () => {
		const { client, sent } = fakeClient();
		failFastAfterTimeout(client);
		expect(isKnownDead(client)).toBe(false);
		const first = await client.query("UPDATE a").catch((error: unknown) => error);
		expect((first as Error).message).toBe("Query read timeout");
		expect(isKnownDead(client)).toBe(true);
		const second = await client.query("DELETE b").catch((error: unknown) => error);
		expect(second).toBe(first);
		expect(sent).toEqual(["UPDATE a"]);
	});

	it("another failure does not mark it dead", async () => {
		const sent: string[] = [];
		const client = {
			query: (text: string) => {
				sent.push(text);
				return Promise.reject(new Error("duplicate key"));
			},
		} as unknown as pg.Client;
		failFastAfterTimeout(client);
		await client.query("INSERT a").catch(() => undefined);
		await client.query("INSERT b").catch(() => undefined);
		expect(isKnownDead(client)).toBe(false);
		expect(sent).toEqual(["INSERT a", "INSERT b"]);
	});
});

describe("PIVOTAL_STATE_TIMEOUT", () => {
	it.each([
		[undefined, 60_000],
		["10", 10_000],
		["0.5", 500],
		["-3", 60_000],
		["soon", 60_000],
		// Past 2^31 ms a timer fires at once: 30 days would time every query out immediately.
		[String(30 * 86_400), 86_400_000],
	])("%s gives %i ms", (value, expected) => {
		expect(queryTimeoutMs({ PIVOTAL_STATE_TIMEOUT: value })).toBe(expected);
	});
});
