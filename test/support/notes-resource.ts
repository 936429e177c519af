/**
 * A fourth resource that exists only in tests: notes under a customer. Its table entry is
 * registered here, on import, before the engine's modules load (import this file first); its
 * simulator handler is `notesOnSimulator()`, given to `startSimulator({ resources })`.
 *
 * The engine gets nothing else: what `notes` needs beyond this table entry (and the server's
 * routes) is what the fourth-resource test proves is not needed.
 */

import { type PassName, registerResource } from "../../src/model/resources.js";
import { requireCustomer } from "../../src/sim/customers.js";
import type { SimResource } from "../../src/sim/index.js";
import { paginate } from "../../src/sim/pagination.js";
import type { HandlerResult, ResourceContext } from "../../src/sim/resource-context.js";
import { type BaseRow, deletedEnvelope } from "../../src/sim/rows.js";
import { SimError } from "../../src/sim/sim-error.js";
import { Table } from "../../src/sim/table.js";
import { type Body, readBoolean, readRequiredString, readString } from "../../src/sim/validate.js";

export const NOTES: PassName = registerResource({
	name: "notes",
	one: "note",
	tag: "not",
	columns: [
		{ name: "customer_external_id", kind: "id", required: true },
		{ name: "title", kind: "text", required: true, max: 200 },
		{ name: "body", kind: "text" },
		{ name: "pinned", kind: "boolean" },
	],
	key: { column: "title", fold: true },
	parent: { resource: "customers", column: "customer_external_id" },
	routes: { list: "/customers/{parent}/notes", create: "/customers/{parent}/notes", item: "/notes/{id}" },
	matcher: { kind: "field", field: "title", fold: true },
	// Titles are matched in any case, so one differing only in case is no change either.
	normalise: { title: "lower" },
	cleared: { body: null },
});

export interface NoteRow extends BaseRow {
	readonly customer_id: string;
	title: string;
	body: string | null;
	pinned: boolean;
}

/** What the notes handler saw, for assertions the counters cannot make. */
export interface NotesLog {
	readonly rows: readonly NoteRow[];
	/** For each DELETE of a live note: was its customer still live (children go first)? */
	readonly deletes: { readonly id: string; readonly isParentLive: boolean }[];
}

function serialize(row: NoteRow): Record<string, unknown> {
	return {
		object: "note",
		id: row.id,
		display_id: row.display_id,
		customer_id: row.customer_id,
		title: row.title,
		body: row.body,
		pinned: row.pinned,
		created_at: new Date(row.created_at_ms).toISOString(),
		updated_at: new Date(row.updated_at_ms).toISOString(),
	};
}

function notFound(ref: string): SimError {
	return new SimError(404, "note_not_found", `No note found with id '${ref}'.`);
}

/** The notes routes of one simulator, on a table of their own. */
export function notesOnSimulator(): { resource: SimResource; log: NotesLog } {
	const table = new Table<NoteRow>();
	const byCustomer = new Map<string, NoteRow[]>();
	const log: NotesLog = { rows: table.rows, deletes: [] };

	const create = (ctx: ResourceContext, customerRef: string, body: Body): HandlerResult => {
		const customer = requireCustomer(ctx.store, customerRef);
		const title = readRequiredString(body, "title", 200);
		const text = readString(body, "body", { max: 10_000, nullable: true }) ?? null;
		const pinned = readBoolean(body, "pinned") ?? false;
		const now = ctx.clock.stamp();
		const row: NoteRow = {
			id: ctx.ids.next(),
			display_id: table.allocateDisplayId(),
			created_at_ms: now,
			updated_at_ms: now,
			deleted: false,
			customer_id: customer.id,
			title,
			body: text,
			pinned,
		};
		table.insert(row);
		byCustomer.set(customer.id, [...(byCustomer.get(customer.id) ?? []), row]);
		return { status: 201, body: serialize(row) };
	};

	const update = (ctx: ResourceContext, ref: string, body: Body): HandlerResult => {
		const row = table.findLive(ref);
		if (row === undefined) throw notFound(ref);
		if (body.title !== undefined) row.title = readRequiredString(body, "title", 200);
		const text = readString(body, "body", { max: 10_000, nullable: true });
		if (text !== undefined) row.body = text;
		const pinned = readBoolean(body, "pinned");
		if (pinned !== undefined) row.pinned = pinned;
		row.updated_at_ms = ctx.clock.stamp();
		return { status: 200, body: serialize(row) };
	};

	const remove = (ctx: ResourceContext, ref: string): HandlerResult => {
		const row = table.findAny(ref);
		if (row === undefined) throw notFound(ref);
		if (!row.deleted) {
			log.deletes.push({
				id: row.id,
				isParentLive: ctx.store.customers.findLive(row.customer_id) !== undefined,
			});
			row.deleted = true;
			row.updated_at_ms = ctx.clock.stamp();
		}
		return { status: 200, body: deletedEnvelope(row) };
	};

	const resource: SimResource = {
		name: "notes",
		createRoute: "/customers/:id/notes",
		routes: [
			{
				template: "/customers/:id/notes",
				methods: ["GET", "POST"],
				handle: (ctx, r) => {
					if (r.method === "POST") return create(ctx, r.id, r.body());
					const customer = requireCustomer(ctx.store, r.id);
					const rows = byCustomer.get(customer.id) ?? [];
					return { status: 200, body: paginate(rows, r.page(), (row) => !row.deleted, serialize) };
				},
			},
			{
				template: "/notes/:id",
				methods: ["GET", "PATCH", "DELETE"],
				handle: (ctx, r) => {
					if (r.method === "PATCH") return update(ctx, r.id, r.body());
					if (r.method === "DELETE") return remove(ctx, r.id);
					const row = table.findLive(r.id);
					if (row === undefined) throw notFound(r.id);
					return { status: 200, body: serialize(row) };
				},
			},
		],
	};
	return { resource, log };
}
