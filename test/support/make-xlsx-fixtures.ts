/**
 * Writes `fixtures/exports/xlsx/book.xlsx`: one workbook with the three sheets a CRM's .xlsx
 * export holds (Customers, Contacts, Onboardings), written the way Excel writes them (shared
 * strings, day serials in date-formatted cells, number cells, a currency-formatted cell, a
 * boolean column, a row with an empty cell in the middle). The committed workbook is what the
 * tests read; run this again only to change it:
 *
 *   npx tsc -p tsconfig.json && node dist/test/support/make-xlsx-fixtures.js
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { excelSerial, type XlsxCell, xlsxBytes } from "./xlsx-writer.js";

const DATE_TIME = "yyyy\\-mm\\-dd\\ hh:mm";
const US_DATE = "m/d/yyyy";
const DOLLARS = '"$"#,##0.00';

const date = (iso: string, format = US_DATE): XlsxCell => ({ serial: excelSerial(iso), format });
const at = (iso: string, hours: number, minutes: number): XlsxCell => ({
	serial: excelSerial(iso) + (hours * 60 + minutes) / 1440,
	format: DATE_TIME,
});

export const CUSTOMERS: readonly (readonly XlsxCell[])[] = [
	[
		"Record ID",
		"Company name",
		"Company Domain Name",
		"Lifecycle Stage",
		"Create Date",
		"MRR (cents)",
		"Annual Revenue",
		"Industry",
	],
	[
		9001,
		"Acme Corporation",
		"acme.com",
		"Customer",
		at("2025-01-14", 10, 22),
		129900,
		{ serial: 15588, format: DOLLARS },
		"Manufacturing",
	],
	// Float noise as a sum leaves it in the stored value: Excel shows 250000.
	[
		9002,
		"Société Générale",
		"societe-generale.example",
		"Former Customer",
		at("2024-11-02", 8, 0),
		250000.00000000003,
		null,
		"Banking",
	],
	// No domain (an empty cell in the middle of the row) and no industry (the last cell).
	[
		9003,
		"Zoë Ångström AB",
		null,
		"Customer",
		at("2025-03-01", 0, 0),
		4999,
		{ serial: 599.88, format: DOLLARS },
	],
];

export const CONTACTS: readonly (readonly XlsxCell[])[] = [
	["Person - Name", "Person - Email", "Person - Job title", "Organization ID", "Primary contact"],
	["Ann Lee", "ann@acme.com", "VP Operations", 9001, true],
	["Bob Stone", "bob@acme.com", null, 9001, false],
	["Élodie Martin", "elodie@societe-generale.example", "Directrice", 9002, true],
	["Zoë Ångström", "zoe@angstrom.example", "CEO", 9003, true],
];

export const ONBOARDINGS: readonly (readonly XlsxCell[])[] = [
	["Company ID", "Project", "Go-live", "Stage", "Status"],
	[9001, "Acme rollout", date("2026-03-15"), "Program Design", "At risk"],
	// A date typed as text in ISO form reads as it is.
	[9003, "Ångström pilot", "2026-07-01", "Internal QA", "active"],
	// 29 March 2027, 1900 system: serial 46475.
	[9002, "SG migration", date("2027-03-29"), "Before Getting Started", "waiting"],
];

export const MAP = {
	customers: {
		columns: {
			external_id: "Record ID",
			name: "Company name",
			domain: "Company Domain Name",
			status: "Lifecycle Stage",
			mrr: "MRR (cents)",
			"metadata.created": "Create Date",
			"metadata.annual_revenue": "Annual Revenue",
			"metadata.industry": "Industry",
		},
		values: { status: { Customer: "active", "Former Customer": "churned" } },
	},
	contacts: {
		columns: {
			customer_external_id: "Organization ID",
			name: "Person - Name",
			email: "Person - Email",
			title: "Person - Job title",
			is_primary: "Primary contact",
		},
	},
	onboardings: {
		columns: {
			customer_external_id: "Company ID",
			name: "Project",
			target_launch_date: "Go-live",
			phase: "Stage",
			state: "Status",
		},
	},
};

export function writeXlsxFixtures(dir: string): void {
	mkdirSync(dir, { recursive: true });
	const book = xlsxBytes({
		sheets: [
			{ name: "Customers", rows: CUSTOMERS },
			{ name: "Contacts", rows: CONTACTS },
			{ name: "Onboardings", rows: ONBOARDINGS },
		],
	});
	writeFileSync(join(dir, "book.xlsx"), book);
	writeFileSync(join(dir, "map.json"), `${JSON.stringify(MAP, null, 2)}\n`);
}

if (process.argv[1]?.endsWith("make-xlsx-fixtures.js")) {
	writeXlsxFixtures(join(import.meta.dirname, "../../../fixtures/exports/xlsx"));
}
