import { requireCustomer } from "./customers.js";
import { type PageQuery, paginate } from "./pagination.js";
import type { HandlerResult, ResourceContext } from "./resource-context.js";
import { type ContactRow, deletedEnvelope, serializeContact } from "./rows.js";
import { SimError } from "./sim-error.js";
import { emailKey, type Store } from "./store.js";
import {
	type Body,
	readBoolean,
	readEmail,
	readRequiredString,
	readString,
	readStringArray,
} from "./validate.js";

function contactNotFound(ref: string): SimError {
	return new SimError(404, "contact_not_found", `No contact found with id '${ref}'.`);
}

function emailTaken(): SimError {
	return new SimError(
		409,
		"email_taken",
		"A contact with this email already exists for this customer.",
		"email",
	);
}

function requireContact(store: Store, ref: string): ContactRow {
	const row = store.contacts.findLive(ref);
	if (row === undefined) throw contactNotFound(ref);
	return row;
}

/** The new primary wins; the previous one is demoted silently (§12.27). */
function makePrimary(ctx: ResourceContext, row: ContactRow, now: number): void {
	const { store } = ctx;
	const previousId = store.primaries.get(row.customer_id);
	if (previousId !== undefined && previousId !== row.id) {
		const previous = store.contacts.findAny(previousId);
		if (previous !== undefined) {
			previous.is_primary = false;
			previous.updated_at_ms = now;
		}
	}
	store.primaries.set(row.customer_id, row.id);
}

function readOptionalFields(body: Body): Partial<ContactRow> {
	const out: Partial<ContactRow> = {};
	const title = readString(body, "title", { max: 255, nullable: true });
	if (title !== undefined) out.title = title;
	const phone = readString(body, "phone", { max: 64, nullable: true });
	if (phone !== undefined) out.phone = phone;
	const isPrimary = readBoolean(body, "is_primary");
	if (isPrimary !== undefined) out.is_primary = isPrimary;
	const labels = readStringArray(body, "labels");
	if (labels !== undefined) out.labels = labels;
	return out;
}

export function createContact(ctx: ResourceContext, customerRef: string, body: Body): HandlerResult {
	const { store } = ctx;
	const customer = requireCustomer(store, customerRef);
	const name = readRequiredString(body, "name", 255);
	const email = readEmail(body, "email", true) as string;
	const fields = readOptionalFields(body);
	const key = emailKey(customer.id, email);
	if (store.emails.has(key)) throw emailTaken();
	const now = ctx.clock.stamp();
	const row: ContactRow = {
		id: ctx.ids.next(),
		display_id: store.contacts.allocateDisplayId(),
		created_at_ms: now,
		updated_at_ms: now,
		deleted: false,
		customer_id: customer.id,
		name,
		email,
		title: null,
		phone: null,
		is_primary: false,
		labels: [],
		...fields,
	};
	if (row.is_primary) makePrimary(ctx, row, now);
	store.addContact(row);
	store.recordCreation(store.creations.contactsByEmail, key, row.id);
	return { status: 201, body: serializeContact(row) };
}

export function getContact(ctx: ResourceContext, ref: string): HandlerResult {
	return { status: 200, body: serializeContact(requireContact(ctx.store, ref)) };
}

export function updateContact(ctx: ResourceContext, ref: string, body: Body): HandlerResult {
	const { store } = ctx;
	const row = requireContact(store, ref);
	let name: string | undefined;
	if (body.name !== undefined) name = readRequiredString(body, "name", 255);
	const email = readEmail(body, "email", false);
	const fields = readOptionalFields(body);
	if (email !== undefined && email !== row.email) {
		const key = emailKey(row.customer_id, email);
		if (store.emails.has(key)) throw emailTaken();
		store.emails.delete(emailKey(row.customer_id, row.email));
		store.emails.set(key, row.id);
		row.email = email;
	}
	if (name !== undefined) row.name = name;
	const now = ctx.clock.stamp();
	if (fields.is_primary === true) makePrimary(ctx, row, now);
	else if (fields.is_primary === false && store.primaries.get(row.customer_id) === row.id) {
		store.primaries.delete(row.customer_id);
	}
	Object.assign(row, fields);
	row.updated_at_ms = now;
	return { status: 200, body: serializeContact(row) };
}

export function deleteContact(ctx: ResourceContext, ref: string): HandlerResult {
	const { store } = ctx;
	const row = store.contacts.findAny(ref);
	if (row === undefined) throw contactNotFound(ref);
	if (!row.deleted) {
		row.deleted = true;
		row.updated_at_ms = ctx.clock.stamp();
		const key = emailKey(row.customer_id, row.email);
		if (store.emails.get(key) === row.id) store.emails.delete(key);
		if (store.primaries.get(row.customer_id) === row.id) store.primaries.delete(row.customer_id);
	}
	return { status: 200, body: deletedEnvelope(row) };
}

export function listContacts(ctx: ResourceContext, customerRef: string, page: PageQuery): HandlerResult {
	const customer = requireCustomer(ctx.store, customerRef);
	const rows = ctx.store.contactsByCustomer.get(customer.id) ?? [];
	return { status: 200, body: paginate(rows, page, (row) => !row.deleted, serializeContact) };
}
