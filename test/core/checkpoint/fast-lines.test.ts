/**
 * The fast path's choice of lines (fast-lines.ts) read by byte loops: it takes exactly the lines
 * the earlier reading by native searches took, with the same key, outcome and state, and leaves
 * every other line to the full check. The earlier reading is kept here as the reference.
 */
import { describe, expect, it } from "vitest";
import { takeDoneLine } from "../../../src/core/checkpoint/fast-lines.js";
import { StateMap } from "../../../src/core/checkpoint/state-map.js";
import { PASSES, type PassName } from "../../../src/model/records.js";

type Taken = { pass: PassName; key: string; outcome: "created" | "existed"; state: string } | false;

/** The reading by `indexOf` the byte loops replaced, returning what it took. */
function reference(bytes: Buffer): Taken {
	const part = (text: string) => Buffer.from(text);
	const holds = (b: Buffer, p: Buffer, at: number) =>
		b.length >= at + p.length && b.subarray(at, at + p.length).equals(p);
	if (!holds(bytes, part('{"p":"'), 0) || bytes[bytes.length - 1] !== 0x7d) return false;
	const pass = PASSES.find((p) => holds(bytes, part(`${p}","k":"`), 6));
	if (pass === undefined) return false;
	const keyStart = 6 + part(`${pass}","k":"`).length;
	const keyEnd = bytes.indexOf(0x22, keyStart);
	if (keyEnd < 0 || bytes.subarray(keyStart, keyEnd).includes(0x5c)) return false;
	const stateStart = keyEnd + 6;
	if (
		bytes[keyEnd + 1] !== 0x2c ||
		!holds(bytes, part('"v":'), keyEnd + 2) ||
		!holds(bytes, part('{"s":"done",'), stateStart)
	)
		return false;
	const state = bytes.subarray(stateStart, bytes.length - 1);
	const outcomeAt = state.indexOf('"outcome":"');
	const valuesAt = state.indexOf('"v":');
	if (outcomeAt < 0 || (valuesAt >= 0 && valuesAt < outcomeAt)) return false;
	const idAt = state.indexOf('"id":"');
	if (idAt < 0 || (valuesAt >= 0 && valuesAt < idAt)) return false;
	const word = outcomeAt + 11;
	const outcome = holds(state, part('created"'), word)
		? "created"
		: holds(state, part('existed"'), word)
			? "existed"
			: undefined;
	if (outcome === undefined) return false;
	return { pass, key: bytes.toString("utf8", keyStart, keyEnd), outcome, state: state.toString() };
}

function taken(line: Buffer): Taken {
	const maps = { customers: new StateMap(), contacts: new StateMap(), onboardings: new StateMap() };
	if (!takeDoneLine(line, maps, () => expect.fail("no key twice"))) return false;
	for (const pass of PASSES)
		for (const key of maps[pass].keys()) {
			const tally = maps[pass].tally();
			return {
				pass,
				key,
				outcome: tally.created === 1 ? "created" : "existed",
				state: maps[pass].textOf(key) ?? "",
			};
		}
	return expect.fail("a line taken is in a map");
}

const line = (pass: string, key: string, state: string) => `{"p":"${pass}","k":"${key}","v":${state}}`;
const done =
	'{"s":"done","attempts":1,"id":"c1","d":15,"outcome":"created","v":{"name":"A \\"v\\":","slug":"a"},"c":1,"r":1,"did":"created"}';

/** A small deterministic generator: the same lines each run. */
function* random(seed: number): Generator<number> {
	let x = seed;
	for (;;) {
		x = (Math.imul(x, 1103515245) + 12345) >>> 0;
		yield x;
	}
}

describe("takeDoneLine", () => {
	it("takes what the reading by native searches took, and nothing else, for lines as written and lines edited", () => {
		const lines = [
			line("customers", "cus_1", done),
			line("contacts", "cus_1/a@x.test", done.replace('"created","v"', '"existed","v"')),
			line("onboardings", "cus_1/name:Rollout \u00e9", done),
			line("customers", 'c\\"4', done),
			line(
				"customers",
				"cus_1",
				done.replace('"outcome":"created",', "").replace('"c":1', '"outcome":"created","c":1'),
			),
			line("customers", "cus_1", done.replace('"id":"c1",', "")),
			line("customers", "cus_1", done.replace('"id":"c1",', "").replace('"c":1', '"id":"c1","c":1')),
			line("customers", "cus_1", done.replace('"created","v"', '"createdX","v"')),
			line("customers", "cus_1", done.replace('"s":"done"', '"s":"failed"')),
			line("nopass", "cus_1", done),
			`${line("customers", "cus_1", done)} `,
			'{"p":"customers","k":"cus_1',
			line("customers", "cus_1", '{"s":"done","id":"c1","outcome":"created"'),
			line("customers", "cus_1", '{"s":"done","id":"c1","outcome":"existed'),
		];
		// Every line above with one byte changed, taken out or doubled, at every place in its head.
		const edited: string[] = [...lines];
		const bytes = [0x22, 0x5c, 0x2c, 0x3a, 0x7b, 0x7d, 0x76, 0x61, 0xe9];
		const next = random(17);
		for (const text of lines)
			for (let at = 0; at < Math.min(text.length, 90); at++) {
				const swap = String.fromCharCode(bytes[next.next().value % bytes.length]!);
				edited.push(text.slice(0, at) + swap + text.slice(at + 1));
				edited.push(text.slice(0, at) + text.slice(at + 1));
				edited.push(text.slice(0, at) + text[at] + text.slice(at));
			}
		let takenCount = 0;
		for (const text of edited) {
			const expected = reference(Buffer.from(text));
			expect(taken(Buffer.from(text)), text).toEqual(expected);
			if (expected !== false) takenCount++;
		}
		// Both kinds occur: lines taken and lines left to the full check.
		expect(takenCount).toBeGreaterThan(100);
		expect(edited.length - takenCount).toBeGreaterThan(100);
	});

	it("tells of a key its pass holds already, and leaves the counts as the first line left them", () => {
		const maps = { customers: new StateMap(), contacts: new StateMap(), onboardings: new StateMap() };
		const twice: string[] = [];
		const take = (text: string) =>
			takeDoneLine(Buffer.from(text), maps, (pass, key) => {
				twice.push(`${pass} ${key}`);
				return undefined as never;
			});
		expect(take(line("customers", "cus_1", done))).toBe(true);
		expect(take(line("contacts", "cus_1", done))).toBe(true);
		expect(twice).toEqual([]);
		take(line("customers", "cus_1", done.replace('"created","v"', '"existed","v"')));
		expect(twice).toEqual(["customers cus_1"]);
		expect(maps.customers.tally()).toMatchObject({ created: 1, existed: 0 });
		expect(maps.customers.held()).toBe(1);
	});
});
