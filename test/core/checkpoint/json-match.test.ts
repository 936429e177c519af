/**
 * The quick comparison on bytes (json-match.ts, `valuesLengthAtBytes`) against the comparison of
 * JSON texts it replaces: over thousands of generated values (strings of every script, escapes,
 * lone surrogates, numbers JSON spells oddly, holes, nested objects) and states equal to them or
 * one change away, it never says "same" where the JSON differs, nor "different" where it is equal.
 */
import { describe, expect, it } from "vitest";
import { valuesLengthAtBytes } from "../../../src/core/checkpoint/done-bytes.js";
import { MISMATCH, matchJson, UNSURE } from "../../../src/core/checkpoint/json-match.js";

/** A small seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const PIECES = [
	"a",
	"Zoë",
	"客户",
	"🙂",
	"\u2028",
	"\u007f",
	'"',
	"\\",
	"\n",
	"\ud800",
	"null",
	" ",
	"é",
	"e\u0301",
	"/",
];
const NUMBERS = [
	0,
	-0,
	7,
	-12,
	352000,
	1.5,
	-0.25,
	1e21,
	1e-7,
	2 ** 53,
	Number.NaN,
	Number.POSITIVE_INFINITY,
];

function value(next: () => number, depth: number): unknown {
	const pick = next();
	if (pick < 0.35) {
		let text = "";
		for (let n = Math.floor(next() * 4); n > 0; n--) text += PIECES[Math.floor(next() * PIECES.length)];
		return text;
	}
	if (pick < 0.5) return NUMBERS[Math.floor(next() * NUMBERS.length)];
	if (pick < 0.58) return next() < 0.5;
	if (pick < 0.62) return next() < 0.5 ? null : undefined;
	if (pick < 0.64) return new Date(0);
	if (depth > 2) return "leaf";
	if (pick < 0.8) {
		const array: unknown[] = [];
		for (let n = Math.floor(next() * 3); n > 0; n--) array.push(value(next, depth + 1));
		if (next() < 0.05) array.length += 1;
		return array;
	}
	return object(next, depth + 1);
}

function object(next: () => number, depth: number): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (let n = Math.floor(next() * 4); n > 0; n--)
		out[next() < 0.8 ? `k${Math.floor(next() * 5)}` : PIECES[Math.floor(next() * PIECES.length)]!] = value(
			next,
			depth,
		);
	return out;
}

/** One change to `values`: a member changed, added or removed, or an array's element. */
function changed(values: Record<string, unknown>, next: () => number): Record<string, unknown> {
	const copy = structuredClone(values);
	const keys = Object.keys(copy);
	const key = keys[Math.floor(next() * keys.length)];
	if (key === undefined || next() < 0.3) copy[`new${Math.floor(next() * 3)}`] = value(next, 2);
	else if (next() < 0.5) delete copy[key];
	else copy[key] = value(next, 2);
	return copy;
}

function stateOf(values: unknown): Buffer {
	return Buffer.from(
		`{"s":"done","attempts":1,"id":"c1","outcome":"created","v":${JSON.stringify(values)},"c":1,"r":2}`,
	);
}

describe("valuesLengthAtBytes against the JSON texts it replaces", () => {
	it("never says same where the JSON differs, nor different where it is equal", () => {
		const next = random(20261206);
		let same = 0;
		let unsure = 0;
		for (let n = 0; n < 20_000; n++) {
			const row = object(next, 0);
			const kept = next() < 0.5 ? row : changed(row, next);
			if (Object.values(kept).some((v) => v instanceof Date)) continue;
			const bytes = stateOf(kept);
			const answer = valuesLengthAtBytes(bytes, 0, bytes.length, row);
			const isEqual = JSON.stringify(row) === JSON.stringify(kept);
			if (answer >= 0) {
				same++;
				expect(isEqual).toBe(true);
				expect(answer).toBe(Buffer.byteLength(JSON.stringify(row)));
			} else if (answer === MISMATCH) expect(isEqual).toBe(false);
			else {
				expect(answer).toBe(UNSURE);
				unsure++;
			}
		}
		// The generator reaches both answers often, so the assertions above are exercised.
		expect(same).toBeGreaterThan(1000);
		expect(unsure).toBeGreaterThan(1000);
	});

	it("reads a row's usual body without falling back: scripts, numbers, labels, metadata", () => {
		const row = {
			name: "Zoë 客户 🙂 Ltd",
			domain: "zoe.example",
			mrr: 352000,
			share: 0.25,
			is_primary: true,
			labels: ["billing", "it's"],
			metadata: { external_id: "crm-1", region: "na" },
		};
		const bytes = stateOf(row);
		expect(valuesLengthAtBytes(bytes, 0, bytes.length, row)).toBe(Buffer.byteLength(JSON.stringify(row)));
		expect(valuesLengthAtBytes(bytes, 0, bytes.length, { ...row, mrr: 352001 })).toBe(MISMATCH);
	});

	it("answers UNSURE for what JSON writes as null or escapes, MISMATCH at a cut", () => {
		for (const value of [Number.NaN, null, [undefined], { a: undefined }, 'a"b', "\ud800", new Date(0)]) {
			const bytes = Buffer.from(`${JSON.stringify(value)},`);
			expect(matchJson(value, bytes, 0, bytes.length)).toBe(UNSURE);
		}
		const bytes = Buffer.from('{"a":"bc"}');
		expect(matchJson({ a: "bc" }, bytes, 0, bytes.length - 2)).toBe(MISMATCH);
		expect(matchJson({ a: "bc" }, bytes, 0, bytes.length)).toBe(bytes.length);
	});

	it("reads a string's ASCII start and what follows it at every cut, as its JSON spells them", () => {
		for (const text of ["plain", "abécd", "abé", "ab🙂", "ab\u2028", 'ab"c', "ab\\c", "ab\nc"]) {
			const json = Buffer.from(`${JSON.stringify(text)}}`);
			const isEscaped = /["\\\n]/.test(text);
			expect(matchJson(text, json, 0, json.length)).toBe(isEscaped ? UNSURE : json.length - 1);
			const longer = Buffer.from(`${JSON.stringify(`${text}x`)}}`);
			expect(matchJson(text, longer, 0, longer.length)).toBe(isEscaped ? UNSURE : MISMATCH);
			if (isEscaped) continue;
			for (let end = 0; end < json.length - 1; end++)
				expect(matchJson(text, json, 0, end), `${JSON.stringify(text)} cut at ${end}`).toBe(MISMATCH);
		}
		// Characters from U+0080 to U+00FF are not their own bytes: "Ã©" is not the UTF-8 of "é".
		const accented = Buffer.from('"é"}');
		expect(matchJson("Ã©", accented, 0, accented.length)).toBe(MISMATCH);
		expect(matchJson("é", accented, 0, accented.length)).toBe(accented.length - 1);
	});

	it("answers UNSURE for an object that inherits a member, which JSON leaves out", () => {
		const bytes = Buffer.from('{"a":"b"}');
		expect(
			matchJson(Object.create({ inherited: "x" }, { a: { value: "b", enumerable: true } }), bytes, 0, 9),
		).toBe(UNSURE);
		// A member added to every object (a polluted prototype) is read by nothing here either.
		Object.defineProperty(Object.prototype, "polluted", {
			value: "x",
			enumerable: true,
			configurable: true,
			writable: true,
		});
		let answer: number;
		try {
			answer = matchJson({ a: "b" }, bytes, 0, bytes.length);
		} finally {
			delete (Object.prototype as Record<string, unknown>).polluted;
		}
		expect(answer).toBe(UNSURE);
		expect(matchJson({ a: "b" }, bytes, 0, bytes.length)).toBe(bytes.length);
	});
});
