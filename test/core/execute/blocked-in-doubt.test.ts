import { describe, expect, it } from "vitest";
import { openCheckpoint } from "../../../src/core/checkpoint/index.js";
import { Ledger } from "../../../src/core/execute/ledger.js";
import type { RecordState, SourceRecord } from "../../../src/model/records.js";
import { checkpointPerTest, header } from "../checkpoint/helpers.js";

let path: string;
checkpointPerTest((made) => {
	({ path } = made);
});

const contact: SourceRecord = {
	pass: "contacts",
	key: "c1/ann@x.test",
	line: 2,
	parentKey: "c1",
	body: { name: "Ann", email: "ann@x.test" },
	columns: {},
};

// A contact whose create left without an answer, then blocked because its customer is not in
// Pivotal this run: the state must still say the create may have landed, or the run that has the
// customer back creates it again without looking it up first.
describe("a create in doubt, blocked by its customer", () => {
	it.each<[string, RecordState]>([
		["sent with no answer", { s: "sent", attempts: 1, t: 1_700_000_000_000 }],
		[
			"failed for a transient cause after it left",
			{ s: "failed", status: 503, code: "server_error", message: "busy", attempts: 3, retryable: true, t: 1 },
		],
	])("keeps its mark (%s), counted blocked in this run", async (_what, inDoubt) => {
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		store.set("contacts", contact.key, inDoubt);
		const events: string[] = [];
		const ledger = new Ledger(
			store,
			(event) => events.push(event.type),
			Date.now,
			() => undefined,
		);
		expect(ledger.blocked("contacts", contact, "c1", inDoubt)).toBe(true);
		expect(store.get("contacts", contact.key)).toEqual(inDoubt);
		expect(events).toContain("record-blocked");
		await store.close();
	});

	it("a create never sent is marked blocked, as before", async () => {
		const { store } = await openCheckpoint({ path, isOwnTakenOver: true, create: () => header() });
		const ledger = new Ledger(
			store,
			() => undefined,
			Date.now,
			() => undefined,
		);
		expect(ledger.blocked("contacts", contact, "c1", undefined)).toBe(true);
		expect(store.get("contacts", contact.key)).toEqual({ s: "blocked", parentKey: "c1" });
		await store.close();
	});
});
