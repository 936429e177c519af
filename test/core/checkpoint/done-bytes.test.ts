/**
 * The quick comparison read on a state's bytes (done-bytes.ts): the same answers as the text
 * comparison (`withoutValues`), for states laid among others in one buffer as the arena keeps
 * them, so that nothing before or after a state's bytes is read as part of it.
 */
import { describe, expect, it } from "vitest";
import {
	doneIdAt,
	headBeforeValues,
	holdsWithin,
	valuesAtBytes,
} from "../../../src/core/checkpoint/done-bytes.js";
import { withoutValues } from "../../../src/core/checkpoint/done-text.js";
import { StateMap } from "../../../src/core/checkpoint/state-map.js";
import { isRecreatedIn } from "../../../src/core/plan/quick-unchanged.js";
import type { RecordState } from "../../../src/model/records.js";

const values = { name: "Zoë 客户 🙂", plan: "pro", mrr: 1200, metadata: { external_id: "crm-1" } };
const json = JSON.stringify(values);
const done = `{"s":"done","attempts":1,"id":"cus_1","outcome":"created","v":${json},"c":1,"r":3}`;

/** `state` between two neighbours that would change the answer if read as part of it. */
function laid(state: string): { bytes: Buffer; start: number; end: number } {
	const before = Buffer.from('{"s":"sent","v":[1],"x":{');
	const after = Buffer.from(`"s":"failed","v":{},"r":7}`);
	const middle = Buffer.from(state);
	return {
		bytes: Buffer.concat([before, middle, after]),
		start: before.length,
		end: before.length + middle.length,
	};
}

const cases: [string, string, string][] = [
	["the values as the store wrote them", done, json],
	["a value that differs", done, JSON.stringify({ ...values, plan: "free" })],
	["a longer row", done, JSON.stringify({ ...values, title: "x" })],
	["a row that is the state's values cut short", done, json.slice(0, -1)],
	["a state not done", done.replace('"done"', '"sent"'), json],
	["spaces between members", done.replace('"v":', ' "v":'), json],
	["a nested object before `v`", `{"s":"done","was":{"v":${json}},"v":${json},"id":"x"}`, json],
	["an array before `v`", `{"s":"done","ch":[1],"v":${json},"id":"x"}`, json],
	["a second `v` after it", `{"s":"done","v":${json},"v":{}}`, json],
	["a second `s` after it", `{"s":"done","v":${json},"s":"failed"}`, json],
	["a second `s` before it", `{"s":"done","s":"sent","v":${json}}`, json],
	["the values last", `{"s":"done","id":"x","v":${json}}`, json],
	[
		"keys `s` and `v` inside the values",
		`{"s":"done","v":{"m":{"s":1,"v":{"s":2}}},"r":1}`,
		'{"m":{"s":1,"v":{"s":2}}}',
	],
	['a key that ends in `\\"v`', `{"s":"done","a\\"v":1,"v":${json}}`, json],
	["no values at all", '{"s":"done","id":"x"}', json],
	["an empty state", "", json],
];

describe("valuesAtBytes: the text comparison's answer, on bytes", () => {
	it.each(cases)("%s", (_what, state, row) => {
		const { bytes, start, end } = laid(state);
		const rowBytes = Buffer.from(row);
		const at = valuesAtBytes(bytes, start, end, rowBytes, rowBytes.length);
		expect(at >= 0).toBe(withoutValues(state, row) !== undefined);
		if (at >= 0) expect(bytes.toString("utf8", at, at + 4)).toBe('"v":');
	});
});

describe("headBeforeValues: the members before the values, by the values' UTF-8 length", () => {
	const length = Buffer.byteLength(json);
	it("gives them for a state another run wrote, the values' length counted in bytes, not characters", () => {
		const { bytes, start, end } = laid(done);
		const head = headBeforeValues(bytes, start, end, length, 4);
		expect(JSON.parse(head ?? "null")).toEqual({ s: "done", attempts: 1, id: "cus_1", outcome: "created" });
		expect(headBeforeValues(bytes, start, end, json.length, 4)).toBeUndefined();
	});
	it("gives nothing for a state this run wrote, nor one not as the plan found it; never reads its neighbours", () => {
		const { bytes, start, end } = laid(done);
		expect(headBeforeValues(bytes, start, end, length, 3)).toBeUndefined();
		// The neighbour after holds "r":7: not this state's.
		expect(headBeforeValues(bytes, start, end, length, 7)).toBeDefined();
		const noRun = laid(`{"s":"done","id":"x","v":${json}}`);
		expect(headBeforeValues(noRun.bytes, noRun.start, noRun.end, length, 7)).toBe('{"s":"done","id":"x"}');
		const notDone = laid(done.replace('"done"', '"sent"'));
		expect(headBeforeValues(notDone.bytes, notDone.start, notDone.end, length, 4)).toBeUndefined();
	});
});

describe("StateMap: the plan's quick comparison and the run's quick copy agree on non-ASCII values", () => {
	it("answers the values' UTF-8 length, which the run's quick copy reads back", () => {
		const map = new StateMap();
		for (let i = 0; i < 5000; i++) map.set(`other${i}`, { s: "sent", attempts: 1 });
		map.set("c1", JSON.parse(done) as RecordState, done);
		// Out of the parsed cache, as after a load: the arena's bytes are compared.
		for (let i = 0; i < 5000; i++) map.set(`more${i}`, { s: "sent", attempts: 1 });
		const length = map.sameDoneLength("c1", json);
		expect(length).toBe(Buffer.byteLength(json));
		expect(length).toBeGreaterThan(json.length);
		expect(map.sameDoneLength("c1", JSON.stringify({ ...values, plan: "free" }))).toBe(-1);
		expect(map.sameDoneLength("nobody", json)).toBe(-1);
		expect(map.quickCopy("c1", length, 4)?.id).toBe("cus_1");
	});
});

describe("holdsWithin and isRecreatedIn: a customer made anew, read from its bytes", () => {
	it("finds a part only inside the state's own bytes", () => {
		const { bytes, start, end } = laid(done);
		expect(holdsWithin(bytes, start, end, Buffer.from('"r":'))).toBe(true);
		// "x":{ is in the neighbour before, "failed" in the one after: not this state's.
		expect(holdsWithin(bytes, start, end, Buffer.from('"x":'))).toBe(false);
		expect(holdsWithin(bytes, start, end, Buffer.from("failed"))).toBe(false);
		expect(holdsWithin(bytes, start, end - 1, Buffer.from(":3}"))).toBe(false);
		expect(holdsWithin(bytes, start, end, Buffer.from(":3}"))).toBe(true);
	});
	it("answers as a plain search whichever byte of the part it is looked for by", () => {
		// Every window of a text with the part at its edges, in its middle, cut, and spelt almost.
		const bytes = Buffer.from('"g":x"g"g":"g:":"g":');
		const parts = ['"g":', "g", '":', 'x"g"'].map((part) => Buffer.from(part));
		for (const part of parts)
			for (let start = 0; start <= bytes.length; start++)
				for (let end = start; end <= bytes.length; end++) {
					const expected = bytes.subarray(start, end).includes(part);
					for (let anchor = 0; anchor < part.length; anchor++)
						expect(
							holdsWithin(bytes, start, end, part, anchor),
							`${part} in ${start}..${end} by ${anchor}`,
						).toBe(expected);
				}
	});
	it("tells a customer with a generation from one without, out of the parsed cache", () => {
		const map = new StateMap();
		const again = done.replace('"c":1', '"c":1,"g":1');
		map.set("anew", JSON.parse(again) as RecordState, again);
		map.set("first", JSON.parse(done) as RecordState, done);
		for (let i = 0; i < 5000; i++) map.set(`more${i}`, { s: "sent", attempts: 1 });
		expect(isRecreatedIn(map, "anew")).toBe(true);
		expect(isRecreatedIn(map, "first")).toBe(false);
		expect(isRecreatedIn(map, "nobody")).toBe(false);
	});
});

describe("doneIdAt: a done state's id on its bytes, or nothing", () => {
	// Each text as the stores may hold it; the answer is the parsed id or undefined, never another.
	const cases: readonly [string, string | undefined][] = [
		['{"s":"done","attempts":1,"id":"c00abc","outcome":"created","v":{"name":"A"}}', "c00abc"],
		['{"s":"done","id":"c1","attempts":2,"outcome":"existed"}', "c1"],
		['{"s":"done","note":"x\\",\\"id\\":\\"evil","id":"real","outcome":"created"}', "real"],
		['{"s":"done","attempts":1,"v":{"id":"inner"},"id":"after","outcome":"created"}', undefined],
		['{"s":"done","attempts":1,"ch":["id"],"id":"after","outcome":"created"}', undefined],
		['{"s":"done","attempts":1,"id":"c\\u0031","outcome":"created"}', undefined],
		['{"s":"done","attempts":1,"id":"ré","outcome":"created"}', undefined],
		['{"s":"done","attempts":1,"id":"","outcome":"created"}', undefined],
		['{"s":"sent","attempts":1,"id":"c9"}', undefined],
		['{"attempts":1,"s":"done","id":"c9","outcome":"created"}', undefined],
	];
	it.each(cases)("%s → %s", (text, expected) => {
		// Neighbours in the buffer that would change the answer if read past the state's end.
		const bytes = Buffer.from(`"id":"x${text}"id":"y`);
		const start = Buffer.byteLength('"id":"x');
		const answer = doneIdAt(bytes, start, start + Buffer.byteLength(text));
		expect(answer).toBe(expected);
		if (answer !== undefined) expect(answer).toBe((JSON.parse(text) as { id: string }).id);
	});

	it("StateMap.doneId answers for a done state in the arena, and nothing for another bucket", () => {
		const map = new StateMap();
		map.set("a", { s: "done", attempts: 1, id: "c_a", outcome: "created", v: { name: "A" } } as RecordState);
		map.set("b", {
			s: "failed",
			status: 422,
			code: "x",
			message: "m",
			attempts: 1,
			retryable: false,
		} as RecordState);
		const fresh = new StateMap();
		for (const [key, text] of map.texts()) fresh.load(key, JSON.parse(text) as RecordState, text);
		expect([fresh.doneId("a"), fresh.doneId("b"), fresh.doneId("missing")]).toEqual([
			"c_a",
			undefined,
			undefined,
		]);
	});
});
