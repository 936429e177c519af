/**
 * StateMap.quickCopy: what a run reads of a record its plan settled by the quick comparison —
 * the members before the values — and when it reads the state whole instead.
 */
import { describe, expect, it } from "vitest";
import { StateMap } from "../../../src/core/checkpoint/state-map.js";
import type { RecordState } from "../../../src/model/records.js";

const VALUES = { name: "Acme", metadata: { external_id: "c1" } };
const LENGTH = JSON.stringify(VALUES).length;

function mapWith(text: string): StateMap {
	const map = new StateMap();
	map.set("c1", JSON.parse(text) as RecordState, text);
	// A state set is cached parsed; a loaded one is not: a second map from the text alone.
	const loaded = new StateMap();
	for (let i = 0; i < 5000; i++) loaded.set(`other${i}`, { s: "sent", attempts: 1 });
	loaded.set("c1", JSON.parse(text) as RecordState, text);
	for (let i = 0; i < 5000; i++) loaded.set(`more${i}`, { s: "sent", attempts: 1 });
	return loaded;
}

const done = (tail: string) =>
	`{"s":"done","attempts":1,"id":"cus_1","d":7,"outcome":"created","v":${JSON.stringify(VALUES)}${tail}}`;

describe("StateMap.quickCopy", () => {
	it("reads the id and outcome without the values when the state was last written by another run", () => {
		const map = mapWith(done(',"c":1,"r":3,"did":"created"'));
		expect(map.quickCopy("c1", LENGTH, 4)).toEqual({
			s: "done",
			attempts: 1,
			id: "cus_1",
			d: 7,
			outcome: "created",
		});
	});

	it("leaves to a whole read a state this very run wrote (an earlier session: what it did counts), however spaced", () => {
		expect(mapWith(done(',"c":1,"r":3,"did":"updated"')).quickCopy("c1", LENGTH, 3)).toBeUndefined();
		expect(mapWith(done(',"c":1,"r" : 3,"did":"updated"')).quickCopy("c1", LENGTH, 3)).toBeUndefined();
		// "r":31 is another run: read quickly.
		expect(mapWith(done(',"r":31')).quickCopy("c1", LENGTH, 3)?.id).toBe("cus_1");
	});

	it("leaves to a whole read a state not as the plan found it: the id after the values, another length, not done", () => {
		const idAfter = `{"s":"done","attempts":1,"outcome":"created","v":${JSON.stringify(VALUES)},"id":"cus_1"}`;
		expect(mapWith(idAfter).quickCopy("c1", LENGTH, 4)).toBeUndefined();
		expect(mapWith(done("")).quickCopy("c1", LENGTH + 1, 4)).toBeUndefined();
		expect(
			mapWith(
				'{"s":"failed","attempts":1,"status":422,"code":"x","message":"y","retryable":false}',
			).quickCopy("c1", LENGTH, 4),
		).toBeUndefined();
		expect(mapWith(done("")).quickCopy("nobody", LENGTH, 4)).toBeUndefined();
	});
});
