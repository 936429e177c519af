import { describe, expect, it } from "vitest";
import { defaultConcurrency, raisedConcurrency, warmConnections } from "../../src/core/run-concurrency.js";

describe("defaultConcurrency: a window's worth at once, up to the keys' connections", () => {
	it.each([
		// limit (summed over the keys), keys, concurrency
		[undefined, 1, 60, "no limit heard yet: Pivotal's 60 at once"],
		[30, 1, 30, "a test key's 30 at once"],
		[60, 1, 60, "a live key: its whole burst at once, not in waves of 16"],
		[10, 1, 10, "a window smaller than the connections: the whole window at once"],
		[2, 1, 4, "never fewer than 4: retries and look-ups need room beside the burst"],
		[600, 1, 64, "a paid key: its 64 connections, not more (the rest would queue in the pool)"],
		[120, 2, 120, "two live keys: both windows at once"],
		[600, 2, 128, "two paid keys: each key's own connections"],
		[40, 4, 40, "four small keys: the summed window"],
		[1e9, 1, 64, "no effective limit: the connections"],
		[60, 0, 60, "no key alive counts as one"],
	] as const)("limit %s over %s key(s) → %s (%s)", (limit, keys, expected, _why) => {
		expect(defaultConcurrency(limit, keys)).toBe(expected);
	});
});

describe("warmConnections: what each key's client opens once GET /me is answered, beside GET /me's own", () => {
	it.each<[number | undefined, number, number | undefined, number, string]>([
		// chosen concurrency, keys, the key's limit, spare connections for the key
		[undefined, 1, 60, 59, "a live key: its window at once, GET /me's connection among them"],
		[undefined, 1, 30, 29, "a test key: its 30"],
		[undefined, 1, 600, 63, "a paid key: the pool's 64 connections"],
		[undefined, 4, undefined, 59, "a key of a pool that GET /me did not ask: Pivotal's 60"],
		[1, 1, 60, 0, "one at a time: GET /me's connection is all it uses"],
		[4, 1, 60, 3, "a chosen 4: three beside GET /me's"],
		[8, 2, 60, 3, "a chosen 8 over two keys: four each"],
		[9, 2, 60, 4, "an odd share rounds up"],
		[100, 1, 60, 63, "more than the connections: the pool opens no more than 64"],
		[2, 4, 60, 0, "fewer than the keys: one each at most"],
	])("chosen %s over %s key(s), limit %s → %s (%s)", (chosen, keys, limit, expected) => {
		expect(warmConnections(chosen, keys, limit)).toBe(expected);
	});
});

describe("raisedConcurrency: the latency follower never raises past the keys' connections", () => {
	it.each<[number | undefined, number, number, number | undefined, string]>([
		[100, 64, 1, undefined, "one key: 64 connections, more would queue"],
		[100, 16, 1, 64, "one key, far below: up to its connections"],
		[200, 60, 2, 128, "two keys: 128 connections"],
		[12, 8, 1, 12, "below the connections: as suggested"],
		[8, 12, 1, undefined, "not a raise: kept"],
		[undefined, 8, 1, undefined, "no suggestion"],
	])("%s suggested at %s with %s key(s) → %s (%s)", (suggested, current, keys, expected) => {
		expect(raisedConcurrency(suggested, current, keys)).toBe(expected);
	});
});
