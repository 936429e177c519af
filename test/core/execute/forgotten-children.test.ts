import { describe, expect, it } from "vitest";
import { mayBeForgotten } from "../../../src/core/execute/forgotten-children.js";
import type { PassName, PivotalCopy, RecordState, SourceRecord } from "../../../src/model/records.js";

const record = (pass: PassName, body: Record<string, unknown>): SourceRecord => ({
	pass,
	key: pass === "customers" ? "c1" : "c1/name:Rollout",
	line: 2,
	...(pass === "customers" ? {} : { parentKey: "c1" }),
	body,
	columns: {},
});
const onboarding = record("onboardings", { name: "Rollout" });
const contactWithEmail = record("contacts", { name: "Ann", email: "ann@x.test" });
const contactWithout = record("contacts", { name: "Ann" });
const customer = record("customers", { name: "Acme", slug: "acme" });
const parent: PivotalCopy = { id: "cus_1", outcome: "created" };
const sent: RecordState = { s: "sent", attempts: 1 };
const removed: RecordState = { s: "removed", why: "undone", id: "onb_1", g: 1 };

describe("mayBeForgotten: is a create looked up first, for a state that may have forgotten it?", () => {
	it.each([
		[
			"an onboarding unknown to the state, its customer made before this process",
			onboarding,
			undefined,
			parent,
			false,
			true,
		],
		["the same, its customer made by this process", onboarding, undefined, parent, true, false],
		["an onboarding the state knows was sent (the in-doubt rule's)", onboarding, sent, parent, false, false],
		["an onboarding the state knows was taken back", onboarding, removed, parent, false, false],
		["a contact with an e-mail (its 409 finds it)", contactWithEmail, undefined, parent, false, false],
		["a contact without an e-mail", contactWithout, undefined, parent, false, true],
		["a customer (its slug's 409 finds it)", customer, undefined, undefined, false, false],
	] as const)("%s", (_what, source, state, copy, isMadeHere, expected) => {
		expect(mayBeForgotten(source, state, copy, () => isMadeHere)).toBe(expected);
	});
});
