/**
 * Stored rows. Rows are never removed (soft delete, §1); timestamps are kept as ms numbers so
 * cursor pagination can binary-search, and turned into ISO strings only when serialised.
 */
export interface BaseRow {
	readonly id: string;
	readonly display_id: number;
	readonly created_at_ms: number;
	updated_at_ms: number;
	deleted: boolean;
}

export const CUSTOMER_STATUSES = ["onboarding", "active", "at_risk", "churned", "archived"] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export const ONBOARDING_PHASES = [
	"before_getting_started",
	"program_design",
	"review",
	"program_buildout",
	"internal_qa",
	"launch",
	"completed",
] as const;
export type OnboardingPhase = (typeof ONBOARDING_PHASES)[number];

export const ONBOARDING_STATES = ["active", "paused", "at_risk", "waiting"] as const;
export type OnboardingState = (typeof ONBOARDING_STATES)[number];

/** Optional nullable string fields of a customer, in response order. */
export const CUSTOMER_STRING_FIELDS = [
	"domain",
	"plan",
	"hubspot_company_id",
	"hubspot_deal_id",
	"stripe_customer_id",
	"intercom_company_id",
	"slack_channel_id",
] as const;

export interface CustomerRow extends BaseRow {
	name: string;
	slug: string;
	status: CustomerStatus;
	domain: string | null;
	plan: string | null;
	mrr: number | null;
	monthly_orders: number | null;
	hubspot_company_id: string | null;
	hubspot_deal_id: string | null;
	stripe_customer_id: string | null;
	intercom_company_id: string | null;
	slack_channel_id: string | null;
	metadata: Record<string, unknown>;
}

export interface ContactRow extends BaseRow {
	readonly customer_id: string;
	name: string;
	email: string;
	title: string | null;
	phone: string | null;
	is_primary: boolean;
	labels: string[];
}

/** Optional nullable string fields of an onboarding, in response order. */
export const ONBOARDING_STRING_FIELDS = [
	"template_id",
	"csm_id",
	"se_id",
	"designer_id",
	"product_ops_id",
	"notes",
] as const;

export interface OnboardingRow extends BaseRow {
	readonly customer_id: string;
	name: string | null;
	template_id: string | null;
	phase: OnboardingPhase;
	state: OnboardingState;
	waiting_on_customer: boolean;
	completed_at_ms: number | null;
	target_launch_date: string | null;
	csm_id: string | null;
	se_id: string | null;
	designer_id: string | null;
	product_ops_id: string | null;
	notes: string | null;
	reminders_enabled: boolean;
	reminder_frequency_days: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function serializeCustomer(row: CustomerRow): Record<string, unknown> {
	return {
		object: "customer",
		id: row.id,
		display_id: row.display_id,
		name: row.name,
		slug: row.slug,
		domain: row.domain,
		status: row.status,
		plan: row.plan,
		mrr: row.mrr,
		monthly_orders: row.monthly_orders,
		hubspot_company_id: row.hubspot_company_id,
		hubspot_deal_id: row.hubspot_deal_id,
		stripe_customer_id: row.stripe_customer_id,
		intercom_company_id: row.intercom_company_id,
		slack_channel_id: row.slack_channel_id,
		metadata: row.metadata,
		created_at: iso(row.created_at_ms),
		updated_at: iso(row.updated_at_ms),
	};
}

export function serializeContact(row: ContactRow): Record<string, unknown> {
	return {
		object: "contact",
		id: row.id,
		display_id: row.display_id,
		customer_id: row.customer_id,
		name: row.name,
		email: row.email,
		title: row.title,
		phone: row.phone,
		is_primary: row.is_primary,
		labels: row.labels,
		created_at: iso(row.created_at_ms),
		updated_at: iso(row.updated_at_ms),
	};
}

export function serializeOnboarding(row: OnboardingRow): Record<string, unknown> {
	return {
		object: "onboarding",
		id: row.id,
		display_id: row.display_id,
		customer_id: row.customer_id,
		name: row.name,
		template_id: row.template_id,
		phase: row.phase,
		state: row.state,
		waiting_on_customer: row.waiting_on_customer,
		started_at: iso(row.created_at_ms),
		completed_at: row.completed_at_ms === null ? null : iso(row.completed_at_ms),
		target_launch_date: row.target_launch_date,
		csm_id: row.csm_id,
		se_id: row.se_id,
		designer_id: row.designer_id,
		product_ops_id: row.product_ops_id,
		notes: row.notes,
		reminders_enabled: row.reminders_enabled,
		reminder_frequency_days: row.reminder_frequency_days,
		created_at: iso(row.created_at_ms),
		updated_at: iso(row.updated_at_ms),
	};
}

export function deletedEnvelope(row: BaseRow): Record<string, unknown> {
	return { object: "deleted", id: row.id, display_id: row.display_id, deleted: true };
}
