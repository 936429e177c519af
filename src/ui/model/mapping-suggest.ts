/**
 * First guesses of the mapping step: which source header fills each of our fields, and which of
 * our values each source value means. Headers match by normalised name (case, spaces, `-`, `_`
 * and punctuation do not count) against our field name and the names HubSpot, Salesforce,
 * Pipedrive and Intercom exports use for it.
 */

import type { PassName } from "../../model/records.js";

/** Our field → header names other programs export it under (compared normalised). */
export const HEADER_ALIASES: Readonly<Record<PassName, Readonly<Record<string, readonly string[]>>>> = {
	customers: {
		external_id: [
			"Record ID",
			"Company ID",
			"Account ID",
			"Organization ID",
			"Org ID",
			"ID",
			"External ID",
			"Customer ID",
			"Organization - ID",
		],
		name: [
			"Company name",
			"Account Name",
			"Organization name",
			"Organization - Name",
			"Company",
			"Organization",
			"Customer name",
		],
		slug: ["Slug", "Handle"],
		domain: [
			"Company Domain Name",
			"Website",
			"Website URL",
			"Domain",
			"Company domain",
			"Web site",
			"Organization - Website",
		],
		status: ["Lifecycle Stage", "Type", "Account Type", "Customer status", "Status", "Stage"],
		plan: ["Plan", "Pricing plan", "Tier", "Subscription"],
		mrr: ["MRR", "Monthly Recurring Revenue", "Monthly revenue"],
		monthly_orders: ["Monthly orders", "Orders per month"],
		hubspot_company_id: ["HubSpot Company ID", "Hubspot ID"],
		hubspot_deal_id: ["HubSpot Deal ID", "Deal ID"],
		stripe_customer_id: ["Stripe Customer ID", "Stripe ID"],
		intercom_company_id: ["Intercom Company ID", "Intercom ID"],
		slack_channel_id: ["Slack Channel ID", "Slack channel"],
	},
	contacts: {
		// HubSpot: "Associated Company IDs"; Salesforce: "Account ID"; Pipedrive: "Person - Organization ID".
		customer_external_id: [
			"Associated Company IDs",
			"Associated Company ID",
			"Company ID",
			"Account ID",
			"Organization ID",
			"Person - Organization ID",
			"Org ID",
			"Company Record ID",
			"Customer ID",
		],
		name: ["Full name", "Contact name", "Name", "Person name", "Person - Name"],
		email: [
			"Email",
			"Email Address",
			"E-mail",
			"Work email",
			"Primary email",
			"Person - Email - Work",
			"Person - Email",
			"Person - Email - Home",
			"Person - Email - Other",
		],
		title: ["Job Title", "Title", "Position", "Role", "Person - Job title", "Person - Title"],
		phone: [
			"Phone",
			"Phone Number",
			"Mobile",
			"Mobile Phone Number",
			"Work phone",
			"Person - Phone - Work",
			"Person - Phone",
			"Person - Phone - Mobile",
		],
		is_primary: ["Primary", "Primary contact", "Is primary", "Main contact"],
		labels: ["Labels", "Tags", "Tag", "Label", "Person - Labels", "Person - Label"],
	},
	onboardings: {
		customer_external_id: [
			"Company ID",
			"Associated Company ID",
			"Account ID",
			"Organization ID",
			"Customer ID",
			"Deal - Organization ID",
		],
		name: [
			"Project",
			"Project name",
			"Deal Name",
			"Opportunity Name",
			"Deal - Title",
			"Onboarding",
			"Title",
			"Name",
		],
		target_launch_date: [
			"Go-live",
			"Go live date",
			"Launch date",
			"Target launch",
			"Close Date",
			"Expected close date",
			"Deal - Expected close date",
			"Due date",
		],
		phase: ["Stage", "Deal Stage", "Phase", "Pipeline stage", "Deal - Stage"],
		state: ["Status", "State", "Health"],
		notes: ["Notes", "Description", "Comments"],
		// Id fields take ids only: a header like "CSM" is suggested only when its cells look like ids
		// (see looksLikeIds), never for a column of people's names.
		csm_id: ["CSM ID", "CSM", "Customer Success Manager"],
		se_id: ["SE", "SE ID", "Solutions Engineer"],
		designer_id: ["Designer", "Designer ID"],
		product_ops_id: ["Product Ops", "Product Ops ID"],
		template_id: ["Template", "Template ID"],
		waiting_on_customer: ["Waiting on customer", "Blocked by customer"],
	},
};

/** Pairs of headers that together make a person's name, first part first. */
const NAME_PARTS: readonly (readonly [string, string])[] = [
	["First Name", "Last Name"],
	["Firstname", "Lastname"],
	["Given Name", "Family Name"],
	["First", "Last"],
];

/** Our values → spellings other programs use for them, per enum field. */
export const VALUE_ALIASES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
	status: {
		active: ["Customer", "Customer - Direct", "Customer - Channel", "Live", "Paying", "Evangelist", "Won"],
		onboarding: ["Prospect", "Opportunity", "Lead", "Onboarding", "Trial", "New"],
		at_risk: ["At risk", "Risk", "Red"],
		churned: ["Former Customer", "Churned", "Cancelled", "Canceled", "Lost", "Closed Lost"],
		archived: ["Archived", "Inactive", "Deleted"],
	},
	state: {
		active: ["On track", "Green", "Open", "In progress"],
		paused: ["On hold", "Paused", "Hold"],
		at_risk: ["At risk", "Red", "Amber", "Yellow", "Off track"],
		waiting: ["Waiting", "Blocked", "Waiting on customer"],
	},
};

/** A header compared with punctuation, case and spacing removed. */
export function headerKey(header: string): string {
	return header.toLowerCase().replace(/[^a-z0-9]+/g, "");
}

/** Fields that hold another system's id, where a column of names would be wrong (the external ids excluded: ours to define). */
function isIdField(field: string): boolean {
	return field.endsWith("_id") && field !== "external_id" && field !== "customer_external_id";
}

/** An id cell: one token (no inner space) with a digit or a separator (`usr_42`, `0055g00000AbC`, `kim-1`), or an e-mail. */
function looksLikeId(cell: string): boolean {
	if (cell.length === 0 || cell.length > 128 || /\s/.test(cell)) return false;
	return /[0-9_:@.-]/.test(cell);
}

/** Whether sampled cells look like ids: most non-empty ones do (one odd cell does not decide). */
export function looksLikeIds(cells: readonly string[]): boolean {
	const filled = cells.map((c) => c.trim()).filter((c) => c.length > 0);
	if (filled.length === 0) return false;
	return filled.filter(looksLikeId).length >= Math.ceil(filled.length * 0.8);
}

/** The source for `field`: one header, two joined, or undefined when nothing fits. */
export type Suggestion = readonly string[] | undefined;

/**
 * Best source headers for each of our fields, each header used once: exact field names first,
 * then aliases in the order listed (so "Record ID" goes to external_id before anything else).
 */
export function suggestColumns(
	pass: PassName,
	fields: readonly string[],
	header: readonly string[],
	/** Sampled cells of a header: id fields are suggested only for columns whose cells look like ids. */
	cellsOf?: (header: string) => readonly string[],
): Record<string, Suggestion> {
	const byKey = new Map<string, string>();
	for (const h of header) if (!byKey.has(headerKey(h))) byKey.set(headerKey(h), h);
	const taken = new Set<string>();
	const out: Record<string, Suggestion> = {};
	const take = (field: string, h: string | undefined): boolean => {
		if (h === undefined || taken.has(h) || out[field] !== undefined) return false;
		if (cellsOf !== undefined && isIdField(field) && !looksLikeIds(cellsOf(h))) return false;
		taken.add(h);
		out[field] = [h];
		return true;
	};
	for (const field of fields) take(field, byKey.get(headerKey(field)));
	for (const field of fields) {
		for (const alias of HEADER_ALIASES[pass][field] ?? [])
			if (take(field, byKey.get(headerKey(alias)))) break;
	}
	if (pass === "contacts" && out.name === undefined) {
		for (const [a, b] of NAME_PARTS) {
			const first = byKey.get(headerKey(a));
			const last = byKey.get(headerKey(b));
			if (first !== undefined && last !== undefined && !taken.has(first) && !taken.has(last)) {
				out.name = [first, last];
				taken.add(first);
				taken.add(last);
				break;
			}
		}
	}
	return out;
}

/** Our value for a source value: by normalised spelling, then by the alias table; undefined when unsure. */
export function suggestValue(field: string, value: string, allowed: readonly string[]): string | undefined {
	const key = headerKey(value);
	const direct = allowed.find((a) => headerKey(a) === key);
	if (direct !== undefined) return direct;
	for (const [target, spellings] of Object.entries(VALUE_ALIASES[field] ?? {})) {
		if (allowed.includes(target) && spellings.some((s) => headerKey(s) === key)) return target;
	}
	return undefined;
}
