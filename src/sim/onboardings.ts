import { requireCustomer } from "./customers.js";
import { type PageQuery, paginate } from "./pagination.js";
import type { HandlerResult, ResourceContext } from "./resource-context.js";
import {
	deletedEnvelope,
	ONBOARDING_PHASES,
	ONBOARDING_STATES,
	ONBOARDING_STRING_FIELDS,
	type OnboardingRow,
	serializeOnboarding,
} from "./rows.js";
import { SimError } from "./sim-error.js";
import type { Store } from "./store.js";
import {
	type Body,
	checkEnum,
	missing,
	readBoolean,
	readEnum,
	readInteger,
	readString,
	readTimestamp,
	typeName,
} from "./validate.js";

function onboardingNotFound(ref: string): SimError {
	return new SimError(404, "onboarding_not_found", `No onboarding found with id '${ref}'.`);
}

function requireOnboarding(store: Store, ref: string): OnboardingRow {
	const row = store.onboardings.findLive(ref);
	if (row === undefined) throw onboardingNotFound(ref);
	return row;
}

/** `customer_id` is a cuid or a display_id, as a string or an integer (§12.34). */
function readCustomerRef(body: Body): string {
	const value = body.customer_id;
	if (value === undefined || value === null || value === "") throw missing("customer_id");
	if (typeof value === "string") return value;
	if (typeof value === "number" && Number.isInteger(value)) return String(value);
	throw new SimError(400, "invalid_type", `Expected string, received ${typeName(value)}`, "customer_id");
}

function readOptionalFields(body: Body): Partial<OnboardingRow> {
	const out: Partial<OnboardingRow> = {};
	const name = readString(body, "name", { max: 255, nullable: true });
	if (name !== undefined) out.name = name;
	for (const field of ONBOARDING_STRING_FIELDS) {
		const value = readString(body, field, { max: field === "notes" ? 10_000 : 255, nullable: true });
		if (value !== undefined) out[field] = value;
	}
	const phase = readEnum(body, "phase", ONBOARDING_PHASES);
	if (phase !== undefined) out.phase = phase;
	const state = readEnum(body, "state", ONBOARDING_STATES);
	if (state !== undefined) out.state = state;
	const waiting = readBoolean(body, "waiting_on_customer");
	if (waiting !== undefined) out.waiting_on_customer = waiting;
	const target = readTimestamp(body, "target_launch_date");
	if (target !== undefined) out.target_launch_date = target;
	const reminders = readBoolean(body, "reminders_enabled");
	if (reminders !== undefined) out.reminders_enabled = reminders;
	const frequency = readInteger(body, "reminder_frequency_days", 1);
	if (frequency !== undefined && frequency !== null) out.reminder_frequency_days = frequency;
	return out;
}

/** `completed_at` follows the phase (§12.37): set on entering `completed`, cleared on leaving it. */
function syncCompletedAt(row: OnboardingRow, now: number): void {
	if (row.phase === "completed") row.completed_at_ms ??= now;
	else row.completed_at_ms = null;
}

export function createOnboarding(ctx: ResourceContext, body: Body): HandlerResult {
	const { store } = ctx;
	const customerRef = readCustomerRef(body);
	const fields = readOptionalFields(body);
	const customer = requireCustomer(store, customerRef);
	const now = ctx.clock.stamp();
	const row: OnboardingRow = {
		id: ctx.ids.next(),
		display_id: store.onboardings.allocateDisplayId(),
		created_at_ms: now,
		updated_at_ms: now,
		deleted: false,
		customer_id: customer.id,
		name: null,
		template_id: null,
		phase: "before_getting_started",
		state: "active",
		waiting_on_customer: false,
		completed_at_ms: null,
		target_launch_date: null,
		csm_id: null,
		se_id: null,
		designer_id: null,
		product_ops_id: null,
		notes: null,
		reminders_enabled: true,
		reminder_frequency_days: 1,
		...fields,
	};
	syncCompletedAt(row, now);
	store.addOnboarding(row);
	store.recordCreation(store.creations.onboardingsByName, `${customer.id}\n${row.name ?? ""}`, row.id);
	return { status: 201, body: serializeOnboarding(row) };
}

export function getOnboarding(ctx: ResourceContext, ref: string): HandlerResult {
	return { status: 200, body: serializeOnboarding(requireOnboarding(ctx.store, ref)) };
}

/** Any phase may follow any other (§12.36); `customer_id` is not movable and is ignored here. */
export function updateOnboarding(ctx: ResourceContext, ref: string, body: Body): HandlerResult {
	const row = requireOnboarding(ctx.store, ref);
	const fields = readOptionalFields(body);
	const now = ctx.clock.stamp();
	Object.assign(row, fields);
	syncCompletedAt(row, now);
	row.updated_at_ms = now;
	return { status: 200, body: serializeOnboarding(row) };
}

export function deleteOnboarding(ctx: ResourceContext, ref: string): HandlerResult {
	const row = ctx.store.onboardings.findAny(ref);
	if (row === undefined) throw onboardingNotFound(ref);
	if (!row.deleted) {
		row.deleted = true;
		row.updated_at_ms = ctx.clock.stamp();
	}
	return { status: 200, body: deletedEnvelope(row) };
}

function filters(params: URLSearchParams): (row: OnboardingRow) => boolean {
	const rawPhase = params.get("phase");
	const rawState = params.get("state");
	const phase = rawPhase === null ? undefined : checkEnum("phase", ONBOARDING_PHASES, rawPhase);
	const state = rawState === null ? undefined : checkEnum("state", ONBOARDING_STATES, rawState);
	return (row) =>
		!row.deleted &&
		(phase === undefined || row.phase === phase) &&
		(state === undefined || row.state === state);
}

/** All onboardings; those of a soft-deleted customer drop out of lists (§6 DELETE). */
export function listOnboardings(
	ctx: ResourceContext,
	page: PageQuery,
	params: URLSearchParams,
): HandlerResult {
	const { store } = ctx;
	const match = filters(params);
	const include = (row: OnboardingRow): boolean =>
		match(row) && store.customers.findLive(row.customer_id) !== undefined;
	return { status: 200, body: paginate(store.onboardings.rows, page, include, serializeOnboarding) };
}

export function listCustomerOnboardings(
	ctx: ResourceContext,
	customerRef: string,
	page: PageQuery,
	params: URLSearchParams,
): HandlerResult {
	const customer = requireCustomer(ctx.store, customerRef);
	const rows = ctx.store.onboardingsByCustomer.get(customer.id) ?? [];
	return { status: 200, body: paginate(rows, page, filters(params), serializeOnboarding) };
}
