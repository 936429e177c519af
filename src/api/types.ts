/**
 * The Pivotal API as the importer sees it. Shapes follow ../shared/pivotal-api.md; unknown
 * response keys are tolerated (they are kept on the objects, untyped).
 */

import type { PassName } from "../model/resources.js";
import type { NetworkFailure } from "./errors.js";
import type { RateLimit } from "./rate-limit-info.js";
import type { ServerClock } from "./server-clock.js";

export type { RateLimit };

export interface Me {
	readonly object: "me";
	readonly api_key: {
		readonly id: string;
		readonly name: string;
		readonly prefix: string;
		readonly scopes: readonly string[];
		readonly rate_limit_tier: string;
	};
	readonly organization: {
		readonly id: string;
		readonly slug: string;
		readonly name: string;
	};
}

export interface Customer {
	readonly object: "customer";
	readonly id: string;
	readonly display_id: number;
	readonly name: string;
	readonly slug: string;
	readonly metadata: Readonly<Record<string, unknown>>;
	readonly [field: string]: unknown;
}

export interface Contact {
	readonly object: "contact";
	readonly id: string;
	readonly display_id: number;
	readonly customer_id: string;
	readonly name: string;
	readonly email: string;
	readonly [field: string]: unknown;
}

export interface Onboarding {
	readonly object: "onboarding";
	readonly id: string;
	readonly display_id: number;
	readonly customer_id: string;
	readonly name?: string | null;
	readonly [field: string]: unknown;
}

/** A record resource of the table (model/resources.ts), named as its paths are. */
export type Resource = PassName;

export type PivotalRecord = Customer | Contact | Onboarding;

export interface Deleted {
	readonly object: "deleted";
	readonly id: string;
	readonly display_id: number;
	readonly deleted: true;
}

export interface ListPage<T> {
	readonly object: "list";
	readonly data: readonly T[];
	readonly has_more: boolean;
	readonly next_cursor: string | null;
}

/** A 2xx answer. */
export interface ApiOk<T> {
	readonly status: number;
	readonly data: T;
	readonly rateLimit: RateLimit | undefined;
	/** `Idempotent-Replayed: true` was present. Informational only: never rely on it. */
	readonly replayed: boolean;
}

/** Per-call options. */
export interface CallOptions {
	readonly signal?: AbortSignal;
}

/** Facts about every response (any status), for the governor and the counters. */
export interface ResponseInfo {
	readonly method: string;
	/** The request path as sent: base URL prefix and query included (`/api/v1/customers?limit=100`). */
	readonly path: string;
	/** HTTP status, or 0 when no response arrived (network error). */
	readonly status: number;
	readonly rateLimit: RateLimit | undefined;
	readonly retryAfterMs: number | undefined;
	readonly startedAtMs: number;
	readonly durationMs: number;
	/** Why no response arrived; only set when `status` is 0. */
	readonly failure?: NetworkFailure | undefined;
	/** The error envelope's `code` (or the synthesised `http_<status>`); only set on non-2xx. */
	readonly errorCode?: string | undefined;
}

export interface ListQuery {
	readonly limit?: number;
	readonly cursor?: string;
	readonly status?: string;
}

export interface PivotalClient {
	readonly baseUrl: string;
	me(options?: CallOptions): Promise<ApiOk<Me>>;
	/** `body` is the exact JSON text to send: retries pass the same string so the bytes match. */
	createCustomer(body: string, idempotencyKey: string, options?: CallOptions): Promise<ApiOk<Customer>>;
	createContact(
		customerId: string,
		body: string,
		idempotencyKey: string,
		options?: CallOptions,
	): Promise<ApiOk<Contact>>;
	/** `body` includes `customer_id`. */
	createOnboarding(body: string, idempotencyKey: string, options?: CallOptions): Promise<ApiOk<Onboarding>>;
	/**
	 * `POST` to the resource's create route (the table's): `parentId` fills `{parent}` in it;
	 * a body that carries the parent's id has it already.
	 */
	createRecord(
		resource: Resource,
		parentId: string | undefined,
		body: string,
		idempotencyKey: string,
		options?: CallOptions,
	): Promise<ApiOk<PivotalRecord>>;
	/** One page of the resource's list route (under `parentId` for a child resource). */
	listRecords(
		resource: Resource,
		parentId: string | undefined,
		query?: ListQuery,
		options?: CallOptions,
	): Promise<ApiOk<ListPage<PivotalRecord>>>;
	/**
	 * One page of the resource's list of every record in the workspace (its `listAll` route, e.g.
	 * `GET /onboardings`). Throws `TypeError` for a resource without one.
	 */
	listAllRecords(
		resource: Resource,
		query?: ListQuery,
		options?: CallOptions,
	): Promise<ApiOk<ListPage<PivotalRecord>>>;
	getCustomer(id: string, options?: CallOptions): Promise<ApiOk<Customer>>;
	/** `GET /{resource}/{id}`: a customer, contact or onboarding by cuid or display_id. */
	getRecord(resource: Resource, id: string, options?: CallOptions): Promise<ApiOk<PivotalRecord>>;
	/** `PATCH /{resource}/{id}`: only the fields in `body` (JSON text) change; returns the whole record. */
	updateRecord(
		resource: Resource,
		id: string,
		body: string,
		options?: CallOptions,
	): Promise<ApiOk<PivotalRecord>>;
	/** `DELETE /{resource}/{id}`: a soft delete; a second delete answers the same. */
	deleteRecord(resource: Resource, id: string, options?: CallOptions): Promise<ApiOk<Deleted>>;
	listCustomers(query?: ListQuery, options?: CallOptions): Promise<ApiOk<ListPage<Customer>>>;
	listContacts(
		customerId: string,
		query?: ListQuery,
		options?: CallOptions,
	): Promise<ApiOk<ListPage<Contact>>>;
	listCustomerOnboardings(
		customerId: string,
		query?: ListQuery,
		options?: CallOptions,
	): Promise<ApiOk<ListPage<Onboarding>>>;
	/** Every row of a list, following `next_cursor` until `has_more` is false (limit 100 per page). */
	walkCustomers(options?: CallOptions): AsyncIterable<Customer>;
	walkContacts(customerId: string, options?: CallOptions): AsyncIterable<Contact>;
	walkCustomerOnboardings(customerId: string, options?: CallOptions): AsyncIterable<Onboarding>;
	/** Close the connection pool. */
	close(): Promise<void>;
	/**
	 * Ends every request in flight at once (each fails as a network failure) and takes no new one:
	 * a stop that waited long enough for them. Optional: a client that cannot leaves them be.
	 */
	abortInFlight?(): void;
	/** The server's clock as the `Date` headers of every answer pin it (see `ServerClock`). */
	readonly serverClock?: ServerClock;
	/**
	 * `GET /health`: unauthenticated, so no key's window pays for it; its `Date` header feeds
	 * `serverClock`. Rejects on a network failure.
	 */
	health?(options?: CallOptions): Promise<void>;
	/**
	 * Open `connections` more connections beside the first one, ready for a burst (a run asks
	 * once `GET /me` is answered); nothing is sent on them. Never throws.
	 */
	warm?(connections: number): void;
}
