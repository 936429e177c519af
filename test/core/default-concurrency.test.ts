import { describe, expect, it } from "vitest";
import { defaultConcurrency, raisedConcurrency, warmConnections } from "../../src/core/run-concurrency.js";

describe("defaultConcurrency: a window's worth at once, up to the keys' connections", () => {
	it.each([
		// limit (summed over the keys), keys, concurrency
		[undefined, 1, 16, "no limit heard yet: Pivotal's 60, capped at one key's 16 connections"],
		[30, 1, 16, "a test key's 30 still fill the connections"],
		[60, 1, 16, "a live key: its burst goes over all 16 connections, not in waves of 4"],
		[10, 1, 10, "a window smaller than the connections: the whole window at once"],
		[2, 1, 4, "never fewer than 4: retries and look-ups need room beside the burst"],
		[600, 1, 16, "a paid key: its connections, not more (the rest would queue in the pool)"],
		[120, 2, 32, "two keys: each key's own connections"],
		[240, 4, 64, "four keys"],
		[40, 4, 40, "four small keys: the summed window"],
		[1e9, 1, 16, "no effective limit: the connections"],
		[60, 0, 16, "no key alive counts as one"],
	] as const)("limit %s over %s key(s) → %s (%s)", (limit, keys, expected, _why) => {
		expect(defaultConcurrency(limit, keys)).toBe(expected);
	});
});

describe("warmConnections: what each key's client opens while GET /me is out, beside GET /me's own", () => {
	it.each([
		// chosen concurrency, keys, spare connections per key
		[undefined, 1, 15, "the default burst fills a key's 16 connections"],
		[undefined, 4, 15, "each key of a pool fills its own"],
		[1, 1, 0, "one at a time: GET /me's connection is all it uses"],
		[4, 1, 3, "a chosen 4: three beside GET /me's"],
		[8, 2, 3, "a chosen 8 over two keys: four each"],
		[9, 2, 4, "an odd share rounds up"],
		[100, 1, 15, "more than the connections: the pool opens no more than 16"],
		[2, 4, 0, "fewer than the keys: one each at most"],
	] as const)("chosen %s over %s key(s) → %s (%s)", (chosen, keys, expected, _why) => {
		expect(warmConnections(chosen, keys)).toBe(expected);
	});
});

describe("raisedConcurrency: the latency follower never raises past the keys' connections", () => {
	it.each<[number | undefined, number, number, number | undefined, string]>([
		[24, 16, 1, undefined, "one key: 16 connections, more would queue"],
		[64, 8, 1, 16, "one key, far below: up to its connections"],
		[40, 16, 2, 32, "two keys: 32 connections"],
		[12, 8, 1, 12, "below the connections: as suggested"],
		[8, 12, 1, undefined, "not a raise: kept"],
		[undefined, 8, 1, undefined, "no suggestion"],
	])("%s suggested at %s with %s key(s) → %s (%s)", (suggested, current, keys, expected) => {
		expect(raisedConcurrency(suggested, current, keys)).toBe(expected);
	});
});
