import { describe, expect, it } from "vitest";
import { dateOptions } from "../../src/ui/model/mapping-dates.js";
import { toSection } from "../../src/ui/model/mapping-section.js";
import { initialMapping } from "../../src/ui/model/mapping-state.js";
import { looksLikeIds, suggestColumns } from "../../src/ui/model/mapping-suggest.js";

const CONTACT_FIELDS = ["customer_external_id", "name", "email", "title", "phone", "is_primary", "labels"];

describe("suggestions for the headers CRMs export", () => {
	it.each([
		[
			"Pipedrive people",
			[
				"Person - Organization ID",
				"Person - Name",
				"Person - Email - Work",
				"Person - Job title",
				"Person - Phone - Work",
				"Person - Labels",
			],
			{
				customer_external_id: ["Person - Organization ID"],
				name: ["Person - Name"],
				email: ["Person - Email - Work"],
				title: ["Person - Job title"],
				phone: ["Person - Phone - Work"],
				labels: ["Person - Labels"],
			},
		],
		[
			"HubSpot contacts",
			[
				"Record ID",
				"First Name",
				"Last Name",
				"Email",
				"Job Title",
				"Phone Number",
				"Associated Company IDs",
			],
			{
				customer_external_id: ["Associated Company IDs"],
				name: ["First Name", "Last Name"],
				email: ["Email"],
				title: ["Job Title"],
				phone: ["Phone Number"],
			},
		],
		[
			"Salesforce contacts",
			["Contact ID", "Account ID", "Full Name", "Email", "Title", "Phone"],
			{
				customer_external_id: ["Account ID"],
				name: ["Full Name"],
				email: ["Email"],
				title: ["Title"],
				phone: ["Phone"],
			},
		],
	])("%s", (_name, header, expected) => {
		expect(suggestColumns("contacts", CONTACT_FIELDS, header)).toMatchObject(expected);
	});
});

describe("id fields take ids only", () => {
	it.each([
		[["Kim Nguyen", "Sam Lee", "Ana Ruiz"], false],
		[["usr_42", "usr_7", ""], true],
		[["0055g00000AbCdE", "0055g00000AbCdF"], true],
		[["kim@acme.example", "sam@acme.example"], true],
		[["Kim", "Sam"], false],
		[[], false],
	])("%j looks like ids: %s", (cells, expected) => {
		expect(looksLikeIds(cells)).toBe(expected);
	});

	it("a CSM column of people's names is not put into csm_id; one of ids is", () => {
		const names = initialMapping(
			"onboardings",
			["Company ID", "Project", "CSM"],
			[
				["1", "Rollout", "Kim Nguyen"],
				["2", "Pilot", "Sam Lee"],
			],
		);
		expect(toSection(names).columns?.csm_id).toBeUndefined();
		const ids = initialMapping(
			"onboardings",
			["Company ID", "Project", "CSM"],
			[
				["1", "Rollout", "usr_17"],
				["2", "Pilot", "usr_23"],
			],
		);
		expect(toSection(ids).columns?.csm_id).toBe("CSM");
	});
});

describe("date formats offered from the cells that parse", () => {
	it("a TBD cell does not remove the formats the other cells fit", () => {
		expect(dateOptions(["03/15/2026", "TBD", "04/01/2026"])).toEqual(["MM/dd/yyyy"]);
		expect(dateOptions(["03/04/2026", "TBD"])).toEqual(expect.arrayContaining(["MM/dd/yyyy", "dd/MM/yyyy"]));
		expect(dateOptions(["2026-03-15", "TBD"])).toEqual([""]);
		expect(dateOptions(["TBD"])).toEqual([""]);
	});
});

describe("a saved map's units", () => {
	it("are kept when the mapping step saves the map again", () => {
		const state = initialMapping("customers", ["Org ID", "Org name", "MRR"], [["1", "Acme", "1299"]], {
			columns: { external_id: "Org ID", name: "Org name", mrr: "MRR" },
			units: { mrr: "major" },
		});
		expect(toSection(state).units).toEqual({ mrr: "major" });
	});
});
