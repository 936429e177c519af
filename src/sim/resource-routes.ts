/**
 * The simulator's record resources, one handler each: the routes it answers and what each does.
 * The router and the counters read this list, so a resource (a test's fourth one too, through
 * `SimulatorOptions.resources`) is one entry, not a case in each of them.
 */

import { createContact, deleteContact, getContact, listContacts, updateContact } from "./contacts.js";
import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from "./customers.js";
import {
	createOnboarding,
	deleteOnboarding,
	getOnboarding,
	listCustomerOnboardings,
	listOnboardings,
	updateOnboarding,
} from "./onboardings.js";
import type { PageQuery } from "./pagination.js";
import type { HandlerResult, ResourceContext } from "./resource-context.js";
import type { Body } from "./validate.js";

/** One request as a route handler sees it. */
export interface SimRequest {
	readonly method: string;
	/** The `:id` segment of the route, decoded ("" when it has none). */
	readonly id: string;
	/** The JSON body, parsed on demand (an invalid one throws the API's 400). */
	readonly body: () => Body;
	readonly page: () => PageQuery;
	readonly params: URLSearchParams;
}

export interface SimRoute {
	/** Below `/api/v1`, `:id` for the one variable segment: `/customers/:id/contacts`. */
	readonly template: string;
	readonly methods: readonly string[];
	readonly handle: (ctx: ResourceContext, request: SimRequest) => HandlerResult;
}

export interface SimResource {
	/** As the API names it (`customers`): the key of `counters.created`. */
	readonly name: string;
	readonly routes: readonly SimRoute[];
	/** The route whose successful POST creates one (counted in `counters.created`). */
	readonly createRoute: string;
}

const CUSTOMERS: SimResource = {
	name: "customers",
	createRoute: "/customers",
	routes: [
		{
			template: "/customers",
			methods: ["GET", "POST"],
			handle: (ctx, r) =>
				r.method === "POST" ? createCustomer(ctx, r.body()) : listCustomers(ctx, r.page(), r.params),
		},
		{
			template: "/customers/:id",
			methods: ["GET", "PATCH", "DELETE"],
			handle: (ctx, r) => {
				if (r.method === "GET") return getCustomer(ctx, r.id);
				return r.method === "PATCH" ? updateCustomer(ctx, r.id, r.body()) : deleteCustomer(ctx, r.id);
			},
		},
	],
};

const CONTACTS: SimResource = {
	name: "contacts",
	createRoute: "/customers/:id/contacts",
	routes: [
		{
			template: "/customers/:id/contacts",
			methods: ["GET", "POST"],
			handle: (ctx, r) =>
				r.method === "POST" ? createContact(ctx, r.id, r.body()) : listContacts(ctx, r.id, r.page()),
		},
		{
			template: "/contacts/:id",
			methods: ["GET", "PATCH", "DELETE"],
			handle: (ctx, r) => {
				if (r.method === "GET") return getContact(ctx, r.id);
				return r.method === "PATCH" ? updateContact(ctx, r.id, r.body()) : deleteContact(ctx, r.id);
			},
		},
	],
};

const ONBOARDINGS: SimResource = {
	name: "onboardings",
	createRoute: "/onboardings",
	routes: [
		{
			template: "/customers/:id/onboardings",
			methods: ["GET"],
			handle: (ctx, r) => listCustomerOnboardings(ctx, r.id, r.page(), r.params),
		},
		{
			template: "/onboardings",
			methods: ["GET", "POST"],
			handle: (ctx, r) =>
				r.method === "POST" ? createOnboarding(ctx, r.body()) : listOnboardings(ctx, r.page(), r.params),
		},
		{
			template: "/onboardings/:id",
			methods: ["GET", "PATCH", "DELETE"],
			handle: (ctx, r) => {
				if (r.method === "GET") return getOnboarding(ctx, r.id);
				return r.method === "PATCH" ? updateOnboarding(ctx, r.id, r.body()) : deleteOnboarding(ctx, r.id);
			},
		},
	],
};

/** The resources every simulator answers. */
export const SIM_RESOURCES: readonly SimResource[] = [CUSTOMERS, CONTACTS, ONBOARDINGS];
