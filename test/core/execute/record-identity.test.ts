/** otherIdentity: what a server's copy reads as where it contradicts the key the state keeps it under. */
import { describe, expect, it } from "vitest";
import { otherIdentity } from "../../../src/core/execute/record-identity.js";
import type { PassName } from "../../../src/model/records.js";

type Case = readonly [
	PassName,
	string,
	string | undefined,
	string | undefined,
	Record<string, unknown>,
	string | undefined,
];

const cases: readonly Case[] = [
	["customers", "crm-1", undefined, undefined, { metadata: { external_id: "crm-1" } }, undefined],
	[
		"customers",
		"crm-1",
		undefined,
		undefined,
		{ metadata: { external_id: "crm-2" } },
		'metadata.external_id "crm-2"',
	],
	["customers", "7", undefined, undefined, { metadata: { external_id: 7 } }, undefined],
	// A customer without the key's external id is not shown to be the import's own (finding J5).
	["customers", "crm-1", undefined, undefined, { metadata: {} }, "a customer without metadata.external_id"],
	["customers", "crm-1", undefined, undefined, {}, "a customer without metadata.external_id"],
	[
		"customers",
		"crm-1",
		undefined,
		undefined,
		{ metadata: { external_id: ["crm-1"] } },
		"metadata.external_id of another kind",
	],
	["contacts", "crm-1/ada@x.test", "crm-1", "c_1", { customer_id: "c_1", email: "Ada@X.test" }, undefined],
	[
		"contacts",
		"crm-1/ada@x.test",
		"crm-1",
		"c_1",
		{ customer_id: "c_1", email: "bo@x.test" },
		'email "bo@x.test"',
	],
	[
		"contacts",
		"crm-1/ada@x.test",
		"crm-1",
		"c_1",
		{ customer_id: "c_2", email: "ada@x.test" },
		'customer_id "c_2"',
	],
	[
		"contacts",
		"crm-1/ada@x.test",
		"crm-1",
		undefined,
		{ customer_id: "c_2", email: "ada@x.test" },
		undefined,
	],
	[
		"onboardings",
		"crm-1/name:Roll%2Fout",
		"crm-1",
		"c_1",
		{ customer_id: "c_1", name: "Roll/out" },
		undefined,
	],
	[
		"onboardings",
		"crm-1/name:Rollout",
		"crm-1",
		"c_1",
		{ customer_id: "c_1", name: "Other" },
		'name "Other"',
	],
	["onboardings", "crm-1/#2", "crm-1", "c_1", { customer_id: "c_1", name: "Other" }, undefined],
	["onboardings", "crm-1/name:Café", "crm-1", "c_1", { customer_id: "c_1", name: "Cafe\u0301" }, undefined],
];

describe("otherIdentity", () => {
	it.each(cases)(
		"%s %s (parent %s, id %s) reading %j → %s",
		(pass, key, parentKey, parentId, server, expected) => {
			expect(otherIdentity(pass, key, parentKey, parentId, server)).toBe(expected);
		},
	);

	it("cuts a long value short in the sentence", () => {
		const said = otherIdentity("customers", "crm-1", undefined, undefined, {
			metadata: { external_id: "x".repeat(500) },
		});
		expect(said?.length).toBeLessThan(120);
	});
});
