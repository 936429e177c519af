/**
 * The state's texts outside the heap: a small state holds a small chunk, grown as it fills, and
 * every text stays where its handle says across the growth and past a chunk's end.
 */
import { describe, expect, it } from "vitest";
import { TextArena } from "../../../src/core/checkpoint/text-arena.js";

const MIB = 1 << 20;

describe("TextArena", () => {
	it("a hundred record states hold one chunk of 64 KiB, not 16 MiB of external memory", () => {
		const arena = new TextArena();
		for (let i = 0; i < 100; i++) arena.add(`{"s":"done","attempts":1,"id":"cus_${i}","outcome":"created"}`);
		expect(arena.chunks.map((c) => c.length)).toEqual([64 * 1024]);
	});

	it("texts keep their handles while the chunk doubles, and a full chunk begins another", () => {
		const arena = new TextArena();
		const texts: string[] = [];
		const handles: number[] = [];
		// 17 MiB in texts of 1,000 to 5,000 bytes, some of them two-byte characters.
		for (let i = 0, total = 0; total < 17 * MIB; i++) {
			const text = `${i}:${(i % 3 === 0 ? "é" : "a").repeat(1000 + ((i * 7919) % 4000))}`;
			texts.push(text);
			handles.push(arena.add(text) as number);
			total += Buffer.byteLength(text) + 4;
		}
		expect(arena.chunks.map((c) => c.length)).toEqual([16 * MIB, 16 * MIB]);
		expect(handles.some((h) => h >= 16 * MIB)).toBe(true);
		for (let i = 0; i < texts.length; i += 97) expect(arena.text(handles[i] as number)).toBe(texts[i]);
		expect(arena.text(handles[handles.length - 1] as number)).toBe(texts[texts.length - 1]);
	});

	it("a text longer than the first chunk gets a chunk that holds it", () => {
		const arena = new TextArena();
		const small = arena.add("first") as number;
		const big = "x".repeat(200 * 1024);
		const handle = arena.addRange(Buffer.from(big), 0, big.length) as number;
		expect(arena.text(handle)).toBe(big);
		expect(arena.text(small)).toBe("first");
		expect(arena.chunks).toHaveLength(1);
	});
});
