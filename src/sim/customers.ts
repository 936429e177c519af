import { type PageQuery, paginate } from "./pagination.js";
import type { HandlerResult, ResourceContext } from "./resource-context.js";
import {
	CUSTOMER_STATUSES,
	CUSTOMER_STRING_FIELDS,
	type CustomerRow,
	deletedEnvelope,
	serializeCustomer,
} from "./rows.js";
import { SimError } from "./sim-error.js";
import type { Store } from "./store.js";
import {
	type Body,
	checkEnum,
	readEnum,
	readInteger,
	readObject,
	readRequiredString,
	readString,
} from "./validate.js";

/** §12.21 slug format. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MAX = 64;

export function customerNotFound(ref: string): SimError {
	return new SimError(404, "customer_not_found", `No customer found with id '${ref}'.`);
}

/** A live customer or 404 `customer_not_found` (also used by contact/onboarding creation, §12.30). */
export function requireCustomer(store: Store, ref: string): CustomerRow {
	const row = store.customers.findLive(ref);
	if (row === undefined) throw customerNotFound(ref);
	return row;
}

function readSlug(body: Body): string | undefined {
	const slug = readString(body, "slug", { min: 1, max: SLUG_MAX });
	if (slug === undefined || slug === null) return undefined;
	if (!SLUG.test(slug)) {
		throw new SimError(
			400,
			"invalid_string",
			"Slug must be lower-case letters, digits and single hyphens (e.g. `bright-future-tech`).",
			"slug",
		);
	}
	return slug;
}

function slugTaken(): SimError {
	return new SimError(409, "slug_taken", "A customer with this slug already exists.", "slug");
}

/** Lower-case, non-alphanumerics → `-` (§12.21), accents folded first so `Café` → `cafe`. */
export function deriveSlugBase(name: string): string {
	const base = name
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, SLUG_MAX)
		.replace(/-+$/, "");
	return base === "" ? "customer" : base;
}

/**
 * A derived slug never conflicts: collisions get `-2`, `-3`, … So customers created without a
 * slug are not guarded by uniqueness, exactly the case DESIGN.md says the importer must look up.
 */
function deriveFreeSlug(store: Store, name: string): string {
	const base = deriveSlugBase(name);
	if (!store.slugs.has(base)) return base;
	let n = store.slugSuffixes.get(base) ?? 2;
	for (;;) {
		const suffix = `-${n}`;
		const candidate = `${base.slice(0, SLUG_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
		n += 1;
		if (!store.slugs.has(candidate)) {
			store.slugSuffixes.set(base, n);
			return candidate;
		}
	}
}

/** Validates the optional fields shared by create and update, in a fixed order so the first bad field wins. */
function readOptionalFields(body: Body): Partial<CustomerRow> {
	const out: Partial<CustomerRow> = {};
	for (const field of CUSTOMER_STRING_FIELDS) {
		const value = readString(body, field, { max: 255, nullable: true });
		if (value !== undefined) out[field] = value;
	}
	const status = readEnum(body, "status", CUSTOMER_STATUSES);
	if (status !== undefined) out.status = status;
	const mrr = readInteger(body, "mrr", 0);
	if (mrr !== undefined) out.mrr = mrr;
	const orders = readInteger(body, "monthly_orders", 0);
	if (orders !== undefined) out.monthly_orders = orders;
	const metadata = readObject(body, "metadata");
	if (metadata !== undefined) out.metadata = metadata;
	return out;
}

export function createCustomer(ctx: ResourceContext, body: Body): HandlerResult {
	const { store } = ctx;
	const name = readRequiredString(body, "name", 255);
	const explicitSlug = readSlug(body);
	const fields = readOptionalFields(body);
	if (explicitSlug !== undefined && store.slugs.has(explicitSlug)) throw slugTaken();
	const slug = explicitSlug ?? deriveFreeSlug(store, name);
	const now = ctx.clock.stamp();
	const row: CustomerRow = {
		id: ctx.ids.next(),
		display_id: store.customers.allocateDisplayId(),
		created_at_ms: now,
		updated_at_ms: now,
		deleted: false,
		name,
		slug,
		status: "active",
		domain: null,
		plan: null,
		mrr: null,
		monthly_orders: null,
		hubspot_company_id: null,
		hubspot_deal_id: null,
		stripe_customer_id: null,
		intercom_company_id: null,
		slack_channel_id: null,
		metadata: {},
		...fields,
	};
	store.addCustomer(row);
	const externalId = row.metadata.external_id;
	if (externalId !== undefined && externalId !== null) {
		const key = typeof externalId === "string" ? externalId : JSON.stringify(externalId);
		store.recordCreation(store.creations.customersByExternalId, key, row.id);
	}
	return { status: 201, body: serializeCustomer(row) };
}

export function getCustomer(ctx: ResourceContext, ref: string): HandlerResult {
	return { status: 200, body: serializeCustomer(requireCustomer(ctx.store, ref)) };
}

export function updateCustomer(ctx: ResourceContext, ref: string, body: Body): HandlerResult {
	const { store } = ctx;
	const row = requireCustomer(store, ref);
	let name: string | undefined;
	if (body.name !== undefined) name = readRequiredString(body, "name", 255);
	const slug = readSlug(body);
	const fields = readOptionalFields(body);
	if (slug !== undefined && slug !== row.slug) {
		if (store.slugs.has(slug)) throw slugTaken();
		store.slugs.delete(row.slug);
		store.slugs.set(slug, row.id);
		row.slug = slug;
	}
	if (name !== undefined) row.name = name;
	// Metadata arrives whole from readObject, so assigning it replaces rather than merges (§12.25).
	Object.assign(row, fields);
	row.updated_at_ms = Math.max(ctx.clock.stamp(), row.created_at_ms);
	return { status: 200, body: serializeCustomer(row) };
}

/** Soft delete, idempotent: a second DELETE returns the same envelope (§5 "Not needed"). */
export function deleteCustomer(ctx: ResourceContext, ref: string): HandlerResult {
	const { store } = ctx;
	const row = store.customers.findAny(ref);
	if (row === undefined) throw customerNotFound(ref);
	if (!row.deleted) {
		row.deleted = true;
		row.updated_at_ms = ctx.clock.stamp();
		if (store.slugs.get(row.slug) === row.id) store.slugs.delete(row.slug);
	}
	return { status: 200, body: deletedEnvelope(row) };
}

export function listCustomers(ctx: ResourceContext, page: PageQuery, params: URLSearchParams): HandlerResult {
	const rawStatus = params.get("status");
	const status = rawStatus === null ? undefined : checkEnum("status", CUSTOMER_STATUSES, rawStatus);
	return {
		status: 200,
		body: paginate(
			ctx.store.customers.rows,
			page,
			(row) => !row.deleted && (status === undefined || row.status === status),
			serializeCustomer,
		),
	};
}
