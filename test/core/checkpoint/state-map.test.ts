import { describe, expect, it } from "vitest";
import { heldIn, StateMap } from "../../../src/core/checkpoint/state-map.js";
import { TextArena } from "../../../src/core/checkpoint/text-arena.js";
import { stateFingerprint } from "../../../src/core/plan/state-fingerprint.js";
import type { RecordState } from "../../../src/model/records.js";
import { blocked, created, failed, header, sent } from "./helpers.js";

const gone: RecordState = { s: "removed", why: "gone", id: "cus_1", g: 1 };

describe("StateMap: a pass's records as JSON texts outside the heap", () => {
	it("gives back every state as set, in the order first set, with tally, failures and copies kept as set", () => {
		const map = new StateMap();
		map.set("a", created("cus_a"));
		map.set("b", failed());
		map.set("c", blocked("x"));
		map.set("d", { s: "sent", attempts: 1, was: { id: "cus_d", outcome: "existed" } });
		map.set("b", created("cus_b"));
		map.set("e", gone);
		expect([...map.keys()]).toEqual(["a", "b", "c", "d", "e"]);
		expect(map.get("b")).toEqual(created("cus_b"));
		expect(map.tally()).toEqual({ created: 2, existed: 0, failed: 0, blocked: 1, inDoubt: 1, removed: 1 });
		expect([...map.failing()]).toEqual([["e", gone]]);
		// a, b (done) and d (its update in doubt) have a copy; c (no copy) and e (gone) have none.
		expect(map.held()).toBe(3);
		expect(heldIn(new Map(map))).toBe(3);
		expect(map.get("zz")).toBeUndefined();
	});

	it("keeps every state through many rewrites (its arena rebuilt), and texts too long for the arena", () => {
		const map = new StateMap();
		const name = "Ünïcødé “quoted” \u{1F600} ".repeat(40);
		for (let round = 0; round < 20; round++)
			for (let i = 0; i < 2000; i++)
				map.set(`k${i}`, {
					s: "done",
					outcome: "created",
					id: `cus_${i}`,
					attempts: round,
					v: { name: `${name}${i}` },
				});
		const huge: RecordState = {
			s: "sent",
			attempts: 1,
			was: { id: "cus_h", outcome: "created", v: { note: "x".repeat(1 << 24) } },
		};
		map.set("huge", huge);
		expect(map.size).toBe(2001);
		// Nothing cached is left for the check: every state is read back from its bytes.
		for (let i = 0; i < 5000; i++) map.set(`other${i}`, sent(1));
		for (const i of [0, 999, 1999])
			expect(map.get(`k${i}`)).toEqual({
				s: "done",
				outcome: "created",
				id: `cus_${i}`,
				attempts: 19,
				v: { name: `${name}${i}` },
			});
		expect(map.get("huge")).toEqual(huge);
		expect(JSON.parse(map.textOf("k5") ?? "")).toMatchObject({ attempts: 19 });
		expect(map.tally().created).toBe(2000);
	}, 60_000);

	it("gives a plan's state fingerprint the same as the states held as objects (its texts hashed as they are)", () => {
		const states: [string, RecordState][] = [
			["a", created("cus_a")],
			["b", failed()],
			["c", { s: "done", outcome: "existed", id: "cus_c", attempts: 2, v: { name: "Zoë", mrr: 1.5 } }],
		];
		const map = new StateMap();
		for (const [key, state] of states) map.set(key, state);
		const data = (customers: ReadonlyMap<string, RecordState>) => ({
			header: header(),
			records: { customers, contacts: new Map(), onboardings: new Map() },
			counters: { requests: 0, rateLimited: 0, retries: 0, created: 0, existed: 0, failed: 0 },
			updatedAt: "2025-01-31T00:00:00.000Z",
		});
		expect(stateFingerprint(data(map))).toBe(stateFingerprint(data(new Map(states))));
		map.set("b", created("cus_b"));
		expect(stateFingerprint(data(map))).not.toBe(stateFingerprint(data(new Map(states))));
	});
});

describe("TextArena.startsWith: a text's first bytes, read in place", () => {
	it("answers for texts in several chunks, a text shorter than the prefix, and multi-byte text", () => {
		const arena = new TextArena();
		const prefix = Buffer.from('{"s":"done",');
		const big = "x".repeat(6_000_000);
		const handles = [
			arena.add('{"s":"done","id":"a"}'),
			arena.add('{"s":"sent"}'),
			arena.add("{"),
			arena.add(big),
			arena.add(big),
			arena.add(big),
			arena.add('{"s":"done","name":"Chloé"}'),
			arena.add(Buffer.from('{"s":"failed"}')),
		] as number[];
		expect(handles.map((h) => arena.startsWith(h, prefix))).toEqual([
			true,
			false,
			false,
			false,
			false,
			false,
			true,
			false,
		]);
		expect(arena.startsWith(handles[6] as number, Buffer.from('{"s":"done","name":"Chloé"}'))).toBe(true);
		expect(arena.startsWith(handles[6] as number, Buffer.from('{"s":"done","name":"Chloe"}'))).toBe(false);
	});
});
