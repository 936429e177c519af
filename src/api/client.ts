import { performance } from "node:perf_hooks";
import type { Dispatcher } from "undici";
import { packageVersion } from "../config/package-version.js";
import { resourceOf, routePath } from "../model/resources.js";
import { toApiError } from "./api-error.js";
import {
	boundRateLimit,
	clampWait,
	DEFAULT_MAX_WAIT_MS,
	DEFAULT_REQUEST_MS,
	RETRY_AFTER_MIN_MS,
	TIMER_MAX_MS,
} from "./client-limits.js";
import type { ClientOptions } from "./client-options.js";
import { DEFAULT_CONNECTIONS } from "./connections.js";
import { ApiError, NetworkError } from "./errors.js";
import { maskKeyShapes } from "./key.js";
import { keySecrets } from "./key-secrets.js";
import { sentenceOf, WalkPosition } from "./list-walk.js";
import { toNetworkError } from "./network-failure.js";
import {
	headerValue,
	parseRateLimit,
	parseRetryAfter,
	type RawHeaders,
	SkewEstimator,
	serverDateMs,
} from "./rate-limit.js";
import { type BodyText, ERROR_BODY_MAX, SUCCESS_BODY_MAX } from "./read-body.js";
import { guardedRedactor, type Redactor, secretFinder } from "./redact.js";
import { type Shape, shapeProblem } from "./response-shape.js";
import { ServerClock } from "./server-clock.js";
import { exchange, isDeadlinePassed } from "./text-exchange.js";
import type {
	ApiOk,
	CallOptions,
	Contact,
	Customer,
	Deleted,
	ListPage,
	ListQuery,
	Me,
	Onboarding,
	PivotalClient,
	PivotalRecord,
	RateLimit,
	Resource,
	ResponseInfo,
} from "./types.js";
import { Pool } from "./undici-parts.js";
import { cleanData, cleanServerText, DATA_DEPTH_MAX, isNestedDeeper } from "./untrusted-json.js";
import { type WarmConnector, warmConnector } from "./warm-connector.js";

export type { ClientOptions, TimeoutOptions } from "./client-options.js";

/** What of `GET /health`'s answer is read: only its Date header is used. */
const HEALTH_BODY_CAP = 4096;

interface SendOptions {
	readonly body?: string;
	readonly idempotencyKey?: string;
	readonly signal?: AbortSignal | undefined;
}

function queryString(query: ListQuery | undefined): string {
	if (query === undefined) return "";
	const params = new URLSearchParams();
	if (query.limit !== undefined) params.set("limit", String(query.limit));
	if (query.cursor !== undefined) params.set("cursor", query.cursor);
	if (query.status !== undefined) params.set("status", query.status);
	const text = params.toString();
	return text === "" ? "" : `?${text}`;
}

function id(value: string): string {
	return encodeURIComponent(value);
}

/** One record's path, from the table's `item` route: GET, PATCH and DELETE share it. */
function itemPath(resource: Resource, recordId: string): string {
	return routePath(resourceOf(resource).routes.item, { id: recordId });
}

class HttpPivotalClient implements PivotalClient {
	readonly baseUrl: string;
	/** Scheme, host and port: what undici dispatches to. */
	readonly #origin: string;
	/** Host and port, the only part of the target that messages name. */
	readonly #host: string;
	/** The base URL's path without a trailing slash (`/api/v1`), prefixed to every request path. */
	readonly #prefix: string;
	/** The `Authorization` header's value, made once: every request sends it. */
	readonly #authorization: string;
	readonly #dispatcher: Dispatcher;
	/** Set when the client created `#dispatcher`, so `close()` must close it. */
	readonly #ownsDispatcher: boolean;
	readonly #headersMs: number;
	readonly #bodyMs: number;
	readonly #requestMs: number;
	readonly #maxWaitMs: number;
	readonly #redact: Redactor;
	/** Whether a text holds anything `#redact` masks. */
	readonly #hasSecret: (text: string) => boolean;
	/** `#redact`, asked only of a text `#hasSecret` says may hold a secret. */
	readonly #redactFound: Redactor;
	readonly #now: () => number;
	readonly #onResponse: ((info: ResponseInfo) => void) | undefined;
	readonly #userAgent: string;
	readonly #skew = new SkewEstimator();
	readonly serverClock = new ServerClock();
	#closing: Promise<void> | undefined;
	/** The own pool's connector, which can open connections ahead of a burst (none with `dispatcher`). */
	#warm: WarmConnector | undefined;

	constructor(options: ClientOptions) {
		const url = new URL(options.baseUrl);
		if (url.protocol !== "http:" && url.protocol !== "https:") {
			throw new TypeError(`The base URL must start with http:// or https://, not ${url.protocol}//.`);
		}
		if (!/^[\x21-\x7e]*$/.test(options.apiKey)) {
			throw new TypeError("The API key contains characters that cannot be sent in an HTTP header.");
		}
		this.#origin = url.origin;
		this.#host = url.host;
		this.#prefix = url.pathname.replace(/\/+$/, "");
		this.baseUrl = `${this.#origin}${this.#prefix}`;
		this.#authorization = `Bearer ${options.apiKey}`;
		const timeouts = options.timeouts ?? {};
		const connectMs = timeouts.connectMs ?? 10_000;
		this.#headersMs = timeouts.headersMs ?? 30_000;
		this.#bodyMs = timeouts.bodyMs ?? 30_000;
		this.#requestMs = Math.min(TIMER_MAX_MS, timeouts.requestMs ?? DEFAULT_REQUEST_MS);
		this.#maxWaitMs = Math.min(TIMER_MAX_MS, options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
		const secrets = [options.apiKey, ...(options.alsoMasked ?? [])].flatMap(keySecrets);
		// Most answers hold nothing to mask: a quick search first, the masking patterns only on a find.
		this.#redact = guardedRedactor(secrets);
		this.#hasSecret = secretFinder(secrets);
		// The masking patterns take ~15 ms to compile on their first use: `GET /me`'s names, on
		// every run's opening path, ask the cheap finder first so a run that is sent nothing to
		// mask never compiles them.
		this.#redactFound = (text) => (this.#hasSecret(text) ? this.#redact(text) : text);
		this.#now = options.now ?? Date.now;
		this.#onResponse = options.onResponse;
		this.#userAgent = options.userAgent ?? `pivotal-tui/${packageVersion()}`;
		if (options.dispatcher !== undefined) {
			this.#dispatcher = options.dispatcher;
			this.#ownsDispatcher = false;
		} else {
			this.#warm = warmConnector({ timeout: connectMs });
			this.#dispatcher = new Pool(this.#origin, {
				connections: options.connections ?? DEFAULT_CONNECTIONS,
				connect: this.#warm.connect,
				headersTimeout: this.#headersMs,
				bodyTimeout: this.#bodyMs,
			});
			this.#ownsDispatcher = true;
		}
	}

	me(options?: CallOptions): Promise<ApiOk<Me>> {
		return this.#send("GET", "/me", "me", { signal: options?.signal });
	}

	createCustomer(body: string, idempotencyKey: string, options?: CallOptions): Promise<ApiOk<Customer>> {
		return this.#send("POST", "/customers", "record", { body, idempotencyKey, signal: options?.signal });
	}

	createContact(
		customerId: string,
		body: string,
		idempotencyKey: string,
		options?: CallOptions,
	): Promise<ApiOk<Contact>> {
		return this.#send("POST", `/customers/${id(customerId)}/contacts`, "record", {
			body,
			idempotencyKey,
			signal: options?.signal,
		});
	}

	createOnboarding(body: string, idempotencyKey: string, options?: CallOptions): Promise<ApiOk<Onboarding>> {
		return this.#send("POST", "/onboardings", "record", { body, idempotencyKey, signal: options?.signal });
	}

	createRecord(
		resource: Resource,
		parentId: string | undefined,
		body: string,
		idempotencyKey: string,
		options?: CallOptions,
	): Promise<ApiOk<PivotalRecord>> {
		const path = routePath(resourceOf(resource).routes.create, { parent: parentId ?? "" });
		return this.#send("POST", path, "record", { body, idempotencyKey, signal: options?.signal });
	}

	listRecords(
		resource: Resource,
		parentId: string | undefined,
		query?: ListQuery,
		options?: CallOptions,
	): Promise<ApiOk<ListPage<PivotalRecord>>> {
		const path = routePath(resourceOf(resource).routes.list, { parent: parentId ?? "" });
		return this.#send("GET", `${path}${queryString(query)}`, "list", { signal: options?.signal });
	}

	listAllRecords(
		resource: Resource,
		query?: ListQuery,
		options?: CallOptions,
	): Promise<ApiOk<ListPage<PivotalRecord>>> {
		const path = resourceOf(resource).routes.listAll;
		if (path === undefined) throw new TypeError(`${resource} has no list of the whole workspace`);
		return this.#send("GET", `${path}${queryString(query)}`, "list", { signal: options?.signal });
	}

	getCustomer(customerId: string, options?: CallOptions): Promise<ApiOk<Customer>> {
		return this.#send("GET", `/customers/${id(customerId)}`, "record", { signal: options?.signal });
	}

	getRecord(resource: Resource, recordId: string, options?: CallOptions): Promise<ApiOk<PivotalRecord>> {
		return this.#send("GET", itemPath(resource, recordId), "record", { signal: options?.signal });
	}

	updateRecord(
		resource: Resource,
		recordId: string,
		body: string,
		options?: CallOptions,
	): Promise<ApiOk<PivotalRecord>> {
		return this.#send("PATCH", itemPath(resource, recordId), "record", { body, signal: options?.signal });
	}

	deleteRecord(resource: Resource, recordId: string, options?: CallOptions): Promise<ApiOk<Deleted>> {
		return this.#send("DELETE", itemPath(resource, recordId), "deleted", { signal: options?.signal });
	}

	listCustomers(query?: ListQuery, options?: CallOptions): Promise<ApiOk<ListPage<Customer>>> {
		return this.#send("GET", `/customers${queryString(query)}`, "list", { signal: options?.signal });
	}

	listContacts(
		customerId: string,
		query?: ListQuery,
		options?: CallOptions,
	): Promise<ApiOk<ListPage<Contact>>> {
		return this.#send("GET", `/customers/${id(customerId)}/contacts${queryString(query)}`, "list", {
			signal: options?.signal,
		});
	}

	listCustomerOnboardings(
		customerId: string,
		query?: ListQuery,
		options?: CallOptions,
	): Promise<ApiOk<ListPage<Onboarding>>> {
		return this.#send("GET", `/customers/${id(customerId)}/onboardings${queryString(query)}`, "list", {
			signal: options?.signal,
		});
	}

	walkCustomers(options?: CallOptions): AsyncIterable<Customer> {
		return this.#walk((query) => this.listCustomers(query, options), options, "/customers");
	}

	walkContacts(customerId: string, options?: CallOptions): AsyncIterable<Contact> {
		return this.#walk(
			(query) => this.listContacts(customerId, query, options),
			options,
			`/customers/${id(customerId)}/contacts`,
		);
	}

	walkCustomerOnboardings(customerId: string, options?: CallOptions): AsyncIterable<Onboarding> {
		return this.#walk(
			(query) => this.listCustomerOnboardings(customerId, query, options),
			options,
			`/customers/${id(customerId)}/onboardings`,
		);
	}

	async health(options?: CallOptions): Promise<void> {
		const sentAt = this.#now();
		try {
			// No Authorization header: whatever the server counts, it cannot count this on a key.
			// Through our own handler like every request: the pool is undici's bare dispatcher
			// (undici-parts.ts), without the `request()` its index adds.
			const answer = await exchange(
				this.#dispatcher,
				{
					dispatch: {
						origin: this.#origin,
						path: `${this.#prefix}/health`,
						method: "GET",
						headers: { accept: "application/json", "user-agent": this.#userAgent },
						body: null,
						headersTimeout: this.#headersMs,
						bodyTimeout: this.#bodyMs,
					},
					deadlineMs: this.#requestMs,
					signal: options?.signal,
					maxBytes: () => HEALTH_BODY_CAP,
				},
				this.#now,
			);
			const date = serverDateMs(answer.headers);
			if (date !== undefined && answer.status === 200)
				this.serverClock.observe(sentAt, answer.answeredAt, date);
		} catch (error) {
			throw this.#networkFailure(error, options?.signal);
		}
	}

	warm(connections: number): void {
		this.#warm?.warm(connections);
	}

	close(): Promise<void> {
		this.#warm?.close();
		this.#closing ??= this.#ownsDispatcher ? this.#dispatcher.close() : Promise.resolve();
		return this.#closing;
	}

	abortInFlight(): void {
		this.#warm?.close();
		// A dispatcher the caller gave is the caller's to end: its requests are left be.
		if (!this.#ownsDispatcher || this.#closing !== undefined) return;
		this.#closing = this.#dispatcher.destroy().catch(() => undefined);
	}

	/** What a request that got no answer failed with: its deadline passed, or the network's reason. */
	#networkFailure(error: unknown, signal: AbortSignal | undefined): NetworkError {
		if (isDeadlinePassed(error) && signal?.aborted !== true)
			return new NetworkError(
				"timeout",
				`The request to ${this.#host} took longer than ${Math.round(this.#requestMs / 1000)} s and was given up.`,
				{ cause: error },
			);
		return toNetworkError(error, this.#host, signal);
	}

	/**
	 * Pages of 100 until `has_more` is false (a last page may hold exactly 100 rows). A list that
	 * says more rows follow but cannot be walked on (no cursor, a cursor given before, an empty
	 * page, or past `WALK_PAGES_MAX` pages) fails as `invalid_pagination`, never looping for ever
	 * nor taken as whole (list-walk.ts).
	 */
	async *#walk<T>(
		list: (query: ListQuery) => Promise<ApiOk<ListPage<T>>>,
		options: CallOptions | undefined,
		route: string,
	): AsyncGenerator<T> {
		const position = new WalkPosition();
		for (;;) {
			const signal = options?.signal;
			// Same error as an abort during a request, so callers need one check.
			if (signal?.aborted === true) throw toNetworkError(signal.reason, this.#host, signal);
			const page = await list(position.query());
			yield* page.data.data;
			try {
				if (position.advance(`GET ${route} of ${this.#host}`, page.data)) return;
			} catch (error) {
				throw new ApiError({
					status: page.status,
					type: "internal_error",
					code: "invalid_pagination",
					message: sentenceOf(error instanceof Error ? error.message : String(error)),
					rateLimit: page.rateLimit,
					responseBody: page.data,
				});
			}
		}
	}

	async #send<T>(method: string, route: string, shape: Shape, options: SendOptions): Promise<ApiOk<T>> {
		const path = `${this.#prefix}${route}`;
		const headers: Record<string, string> = {
			authorization: this.#authorization,
			accept: "application/json",
			"user-agent": this.#userAgent,
		};
		if (options.body !== undefined) headers["content-type"] = "application/json";
		if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
		const signal = options.signal;
		const startedAtMs = this.#now();
		const started = performance.now();
		const report = (info: Omit<ResponseInfo, "method" | "path" | "startedAtMs" | "durationMs">): void => {
			this.#onResponse?.({ method, path, startedAtMs, durationMs: performance.now() - started, ...info });
		};

		let status = 0;
		let rateLimit: RateLimit | undefined;
		let retryAfterMs: number | undefined;
		let retryAfterClampedFromMs: number | undefined;
		let responseHeaders: RawHeaders;
		let body: BodyText;
		try {
			// The whole request, body included, ends by the deadline: a trickled body cannot hold it.
			// Read to the end when it is small, error or not: only then does undici reuse the socket.
			const answer = await exchange(
				this.#dispatcher,
				{
					dispatch: {
						origin: this.#origin,
						path,
						method: method as Dispatcher.HttpMethod,
						headers,
						body: options.body ?? null,
						headersTimeout: this.#headersMs,
						bodyTimeout: this.#bodyMs,
					},
					deadlineMs: this.#requestMs,
					signal,
					maxBytes: bodyCap,
				},
				this.#now,
			);
			status = answer.status;
			responseHeaders = answer.headers;
			body = answer.body;
			const localNow = answer.answeredAt;
			const date = serverDateMs(responseHeaders);
			if (date !== undefined) this.serverClock.observe(startedAtMs, localNow, date);
			const skewMs = date === undefined ? this.#skew.skewMs : this.#skew.observe(localNow, date);
			rateLimit = boundRateLimit(parseRateLimit(responseHeaders, skewMs), localNow, this.#maxWaitMs);
			const retryAfter = parseRetryAfter(responseHeaders, localNow, skewMs);
			if (retryAfter !== undefined) {
				const wait = clampWait(retryAfter, this.#maxWaitMs);
				// The API's Retry-After is whole seconds, at least 1: "0" would make a busy loop of 429s.
				retryAfterMs = Math.max(RETRY_AFTER_MIN_MS, wait.ms);
				retryAfterClampedFromMs = wait.asked;
			}
		} catch (error) {
			const failure = this.#networkFailure(error, signal);
			report({ status: 0, rateLimit, retryAfterMs, failure: failure.reason });
			throw failure;
		}

		if (status < 200 || status > 299) {
			const apiError = toApiError({
				status,
				text: body.text,
				isCut: body.isCut,
				host: this.#host,
				rateLimit,
				retryAfterMs,
				retryAfterClampedFromMs,
				// A server's sentence may quote any key, not only ours: the failure it becomes is kept
				// in the state and the failures CSV (adversarial finding Q2).
				redact: (text) => maskKeyShapes(this.#redact(text)),
				location: status >= 300 && status < 400 ? headerValue(responseHeaders, "location") : undefined,
			});
			report({ status, rateLimit, retryAfterMs, errorCode: apiError.code });
			throw apiError;
		}

		const malformed = (code: string, what: string): ApiError => {
			const apiError = new ApiError({
				status,
				type: "internal_error",
				code,
				message: `${this.#host} answered ${method} ${route.split("?")[0]} with HTTP ${status} and ${what}; the answer was not used.`,
				rateLimit,
				retryAfterMs,
			});
			report({ status, rateLimit, retryAfterMs, errorCode: apiError.code });
			return apiError;
		};
		if (body.isCut) throw malformed("response_too_large", `a body over ${SUCCESS_BODY_MAX / 1024 / 1024} MB`);
		let parsed: unknown;
		try {
			parsed = JSON.parse(body.text);
		} catch {
			throw malformed("invalid_json", "a body that is not JSON");
		}
		const problem = shapeProblem(shape, parsed);
		if (problem !== undefined) throw malformed("malformed_response", problem);
		// Stored and sent back (metadata) later: a body nested thousands deep would overflow JSON.stringify.
		if (isNestedDeeper(parsed, DATA_DEPTH_MAX, body.text)) {
			throw malformed("malformed_response", `a body nested deeper than ${DATA_DEPTH_MAX} levels`);
		}
		// Data, kept as sent but for the key, which never leaves this client.
		const cleaned = cleanData(parsed, body.text, this.#redact, this.#hasSecret);
		const data = (shape === "me" ? displayNamesCleaned(cleaned, this.#redactFound) : cleaned) as T;
		report({ status, rateLimit, retryAfterMs });
		const replayed = headerValue(responseHeaders, "idempotent-replayed")?.trim().toLowerCase() === "true";
		return { status, data, rateLimit, replayed };
	}
}

/** Most bytes of an answer read: an error's envelope is small, a success's page of records larger. */
function bodyCap(status: number): number {
	return status >= 200 && status <= 299 ? SUCCESS_BODY_MAX : ERROR_BODY_MAX;
}

/**
 * `GET /me`'s texts are only ever shown (the workspace in a plan, an undo's question, the state,
 * the key step's tier): every string but the ids capped and escaped as it enters, like an error's
 * message (adversarial finding N8: the tier was drawn raw). Ids stay as sent.
 */
function displayNamesCleaned(me: unknown, redact: Redactor): unknown {
	const clean = (value: unknown): unknown =>
		typeof value === "string"
			? cleanServerText(value, redact)
			: Array.isArray(value)
				? value.map((item) => (typeof item === "string" ? cleanServerText(item, redact) : item))
				: value;
	const named = (value: unknown): unknown => {
		if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
		const object = value as Record<string, unknown>;
		return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, k === "id" ? v : clean(v)]));
	};
	const body = me as Record<string, unknown>;
	return { ...body, organization: named(body.organization), api_key: named(body.api_key) };
}

/** A Pivotal API client over one undici connection pool. It never retries: that is the engine's policy. */
export function createClient(options: ClientOptions): PivotalClient {
	return new HttpPivotalClient(options);
}
