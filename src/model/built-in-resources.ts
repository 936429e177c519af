/**
 * The entries of the table of resources for customers, contacts and onboardings (the table
 * and what it means: resources.ts). Plain data: every command loads it.
 */

import type { ResourceDef } from "./resources.js";

const CRM_ID_COLUMNS = [
	"hubspot_company_id",
	"hubspot_deal_id",
	"stripe_customer_id",
	"intercom_company_id",
	"slack_channel_id",
] as const;

export const CUSTOMER_STATUSES = ["onboarding", "active", "at_risk", "churned", "archived"] as const;
export const ONBOARDING_PHASES = [
	"before_getting_started",
	"program_design",
	"review",
	"program_buildout",
	"internal_qa",
	"launch",
	"completed",
] as const;
export const ONBOARDING_STATES = ["active", "paused", "at_risk", "waiting"] as const;

const NAME_MAX = 255;

const CUSTOMERS = {
	name: "customers",
	one: "customer",
	tag: "cus",
	columns: [
		// Pivotal has no external_id field: it travels in metadata.external_id.
		{ name: "external_id", kind: "id", required: true },
		{ name: "name", kind: "text", required: true, max: NAME_MAX },
		{ name: "slug", kind: "slug" },
		{ name: "domain", kind: "domain" },
		{ name: "status", kind: "enum", values: CUSTOMER_STATUSES },
		{ name: "plan", kind: "text" },
		{ name: "mrr", kind: "money" },
		{ name: "monthly_orders", kind: "count" },
		...CRM_ID_COLUMNS.map((name) => ({ name, kind: "crm-id" as const })),
	],
	key: { idColumn: "external_id" },
	routes: { list: "/customers", create: "/customers", item: "/customers/{id}" },
	// CRM ids in the order they are trusted to name one customer across systems.
	matcher: {
		kind: "workspace",
		crmIds: [
			"hubspot_company_id",
			"stripe_customer_id",
			"intercom_company_id",
			"hubspot_deal_id",
			"slack_channel_id",
		],
	},
	unique: { field: "slug", code: "slug_taken" },
	metadata: { keyField: "external_id" },
	derivesSlug: true,
	cleared: {
		domain: null,
		plan: null,
		mrr: null,
		monthly_orders: null,
		...Object.fromEntries(CRM_ID_COLUMNS.map((name) => [name, null])),
	},
	defaults: { status: "active" },
} as const satisfies ResourceDef;

const CONTACTS = {
	name: "contacts",
	one: "contact",
	tag: "con",
	columns: [
		{ name: "customer_external_id", kind: "id", required: true },
		{ name: "name", kind: "text", required: true, max: NAME_MAX },
		{ name: "email", kind: "email", required: true },
		{ name: "title", kind: "text" },
		{ name: "phone", kind: "text" },
		{ name: "is_primary", kind: "boolean" },
		{ name: "labels", kind: "labels" },
	],
	key: { column: "email", fold: true },
	parent: { resource: "customers", column: "customer_external_id" },
	routes: {
		list: "/customers/{parent}/contacts",
		create: "/customers/{parent}/contacts",
		item: "/contacts/{id}",
	},
	matcher: { kind: "field", field: "email", fold: true },
	unique: { field: "email", code: "email_taken" },
	normalise: { email: "lower" },
	cleared: { title: null, phone: null, labels: [] },
} as const satisfies ResourceDef;

const ONBOARDINGS = {
	name: "onboardings",
	one: "onboarding",
	tag: "onb",
	columns: [
		{ name: "customer_external_id", kind: "id", required: true },
		{ name: "name", kind: "text", max: NAME_MAX },
		{ name: "target_launch_date", kind: "date" },
		{ name: "phase", kind: "enum", values: ONBOARDING_PHASES },
		{ name: "state", kind: "enum", values: ONBOARDING_STATES },
		{ name: "notes", kind: "text" },
		{ name: "csm_id", kind: "text" },
		{ name: "se_id", kind: "text" },
		{ name: "designer_id", kind: "text" },
		{ name: "product_ops_id", kind: "text" },
		{ name: "template_id", kind: "text" },
		{ name: "waiting_on_customer", kind: "boolean" },
	],
	key: { column: "name", numbered: true },
	parent: { resource: "customers", column: "customer_external_id", field: "customer_id" },
	routes: {
		list: "/customers/{parent}/onboardings",
		create: "/onboardings",
		item: "/onboardings/{id}",
		listAll: "/onboardings",
	},
	matcher: { kind: "field", field: "name", orFields: true },
	normalise: { target_launch_date: "date" },
	cleared: {
		template_id: null,
		csm_id: null,
		se_id: null,
		designer_id: null,
		product_ops_id: null,
		notes: null,
		target_launch_date: null,
	},
	defaults: { phase: "before_getting_started", state: "active" },
} as const satisfies ResourceDef;

/** The resources this package ships, parents first: the order of the passes. */
export const BUILT_IN = [CUSTOMERS, CONTACTS, ONBOARDINGS] as const;
