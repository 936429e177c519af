/**
 * A newer export of a generated dataset: about `share` of its rows get new values in fields a
 * sync PATCHes (customers' name, status, mrr, metadata.segment; contacts' title and name;
 * onboardings' phase, state and launch date), and `added` new customers arrive with a contact
 * and an onboarding each. Deterministic for a seed, like `generateDataset`.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { PassName } from "../../src/model/records.js";
import {
	CUSTOMER_STATUSES,
	ONBOARDING_PHASES,
	ONBOARDING_STATES,
	readRecords,
} from "../../src/source/index.js";
import { type GeneratedDataset, mulberry32 } from "./generate.js";

export interface ChangeOptions {
	/** Share of the rows of each file that get new values, 0..1. @default 0.5 */
	readonly share?: number;
	/** New customers appended, each with one contact and one onboarding. @default 0 */
	readonly added?: number;
	/** Seed of the choices. @default 1 */
	readonly seed?: number;
}

/** The keys (as `readRecords` names them) of the rows that changed and of the rows that are new. */
export interface DatasetChanges {
	readonly changed: Readonly<Record<PassName, ReadonlySet<string>>>;
	readonly added: Readonly<Record<PassName, ReadonlySet<string>>>;
	/** Customers whose `metadata` changed: their PATCH needs the server's keys first. */
	readonly metadataChanged: ReadonlySet<string>;
}

type Row = Record<string, string>;

const SEGMENTS = ["smb", "mid-market", "enterprise"];
const TITLES = ["VP Operations", "Head of Customer Success", "CTO", "Project Manager", "Office Manager"];

export async function changeDataset(
	files: GeneratedDataset,
	options: ChangeOptions = {},
): Promise<DatasetChanges> {
	const { share = 0.5, added = 0, seed = 1 } = options;
	const random = mulberry32(seed);
	const changedLines: Record<PassName, Set<number>> = {
		customers: new Set(),
		contacts: new Set(),
		onboardings: new Set(),
	};
	const metadataLines = new Set<number>();
	const edit = (pass: PassName, change: (row: Row, line: number) => void) => {
		const { header, rows } = readCsv(files[pass]);
		rows.forEach((row, i) => {
			if (random() >= share) return;
			// Line 1 is the header, and generated cells never hold a line break.
			change(row, i + 2);
			changedLines[pass].add(i + 2);
		});
		return { header, rows };
	};

	const customers = edit("customers", (row, line) => {
		// At least one field, often two: a rename, a status, the MRR, a metadata key.
		const fields = ["name", "status", "mrr", "metadata.segment"].filter(() => random() < 0.45);
		if (fields.length === 0) fields.push("status");
		for (const field of fields) {
			if (field === "name") row.name = `${row.name} Group`;
			else if (field === "status") row.status = other(random, CUSTOMER_STATUSES, row.status);
			else if (field === "mrr") row.mrr = String(Number(row.mrr) + 1_000);
			else {
				row["metadata.segment"] = other(random, SEGMENTS, row["metadata.segment"]);
				metadataLines.add(line);
			}
		}
	});
	const contacts = edit("contacts", (row) => {
		row.title = other(random, TITLES, row.title);
		if (random() < 0.3) row.name = `${row.name} Jr`;
	});
	const onboardings = edit("onboardings", (row) => {
		const fields = ["phase", "state", "target_launch_date"].filter(() => random() < 0.5);
		if (fields.length === 0) fields.push("phase");
		for (const field of fields) {
			if (field === "phase") row.phase = other(random, ONBOARDING_PHASES, row.phase);
			else if (field === "state") {
				row.state = other(random, ONBOARDING_STATES, row.state);
				row.waiting_on_customer = row.state === "waiting" ? "true" : "false";
			} else row.target_launch_date = `2028-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
		}
	});

	const first = customers.rows.length;
	for (let i = 0; i < added; i++) {
		const externalId = `cus_new_${String(i + 1).padStart(3, "0")}`;
		const name = `Newcomer ${i + 1} Holdings`;
		customers.rows.push(
			fill(customers.header, {
				external_id: externalId,
				name,
				slug: i % 2 === 0 ? `newcomer-${i + 1}-holdings` : "",
				status: "onboarding",
				plan: "starter",
				mrr: "10000",
				"metadata.segment": "smb",
			}),
		);
		contacts.rows.push(
			fill(contacts.header, {
				customer_external_id: externalId,
				name: `Nia Newcomer ${i + 1}`,
				email: `nia${i + 1}@newcomer${i + 1}.test`,
				title: "CTO",
				is_primary: "true",
			}),
		);
		onboardings.rows.push(
			fill(onboardings.header, {
				customer_external_id: externalId,
				name: `${name} rollout`,
				phase: "before_getting_started",
				state: "active",
				waiting_on_customer: "false",
			}),
		);
	}
	writeCsv(files.customers, customers.header, customers.rows);
	writeCsv(files.contacts, contacts.header, contacts.rows);
	writeCsv(files.onboardings, onboardings.header, onboardings.rows);

	const changed = {
		customers: new Set<string>(),
		contacts: new Set<string>(),
		onboardings: new Set<string>(),
	};
	const fresh = { customers: new Set<string>(), contacts: new Set<string>(), onboardings: new Set<string>() };
	const metadataChanged = new Set<string>();
	for (const pass of ["customers", "contacts", "onboardings"] as const) {
		for await (const record of readRecords(files[pass], pass)) {
			if (changedLines[pass].has(record.line)) changed[pass].add(record.key);
			if (record.line - 2 >= first) fresh[pass].add(record.key);
			if (pass === "customers" && metadataLines.has(record.line)) metadataChanged.add(record.key);
		}
	}
	return { changed, added: fresh, metadataChanged };
}

function readCsv(path: string): { header: string[]; rows: Row[] } {
	const text = readFileSync(path, "utf8");
	const header = (parse(text, { to_line: 1 }) as string[][])[0] ?? [];
	const rows = parse(text, { columns: true, skip_empty_lines: true }) as Row[];
	return { header, rows };
}

function writeCsv(path: string, header: readonly string[], rows: readonly Row[]): void {
	const lines = [header.map(cell).join(",")];
	for (const row of rows) lines.push(header.map((h) => cell(row[h] ?? "")).join(","));
	writeFileSync(path, `${lines.join("\n")}\n`);
}

function fill(header: readonly string[], values: Row): Row {
	return Object.fromEntries(header.map((h) => [h, values[h] ?? ""]));
}

function cell(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A value of `list` other than `current`. */
function other(random: () => number, list: readonly string[], current: string | undefined): string {
	const choices = list.filter((v) => v !== current);
	return choices[Math.floor(random() * choices.length)] as string;
}
