import { describe, expect, it } from "vitest";
import type { CsvRow } from "../../src/source/csv-rows.js";
import { readAhead } from "../../src/source/rows.js";

const row = (line: number): CsvRow => ({ line, cells: [`cell ${line}`] }) as CsvRow;

describe("readAhead", () => {
	it("reads the first batch before it is asked for, then gives every batch in order and ends the read", async () => {
		const events: string[] = [];
		async function* rows(): AsyncGenerator<CsvRow[], void, undefined> {
			try {
				events.push("started");
				yield [row(1), row(2)];
				events.push("second asked");
				yield [row(3)];
			} finally {
				events.push("ended");
			}
		}
		const ahead = readAhead(rows());
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(events).toEqual(["started"]);
		const batches: number[][] = [];
		for await (const batch of ahead) batches.push(batch.map((r) => r.line));
		expect(batches).toEqual([[1, 2], [3]]);
		expect(events).toEqual(["started", "second asked", "ended"]);
	});

	it("gives a failed first read to the reader, when it asks, and ends a read it stops", async () => {
		async function* failing(): AsyncGenerator<CsvRow[], void, undefined> {
			yield* [];
			throw new Error("cannot read");
		}
		const failed = readAhead(failing());
		await new Promise((resolve) => setTimeout(resolve, 0));
		await expect(failed.next()).rejects.toThrow("cannot read");
		let isEnded = false;
		async function* endless(): AsyncGenerator<CsvRow[], void, undefined> {
			try {
				for (let line = 1; ; line++) yield [row(line)];
			} finally {
				isEnded = true;
			}
		}
		const stopped = readAhead(endless());
		expect((await stopped.next()).value?.[0]?.line).toBe(1);
		await stopped.return(undefined);
		expect(isEnded).toBe(true);
	});
});
