import { emptyCounters, type SimCounters } from "./counters.js";
import { type DuplicatesReport, duplicatesReport } from "./duplicates.js";
import { DEFAULT_FAULTS, type FaultConfig, parseFaultSpec, validateFaultConfig } from "./fault-config.js";
import { IdempotencyStore } from "./idempotency-store.js";
import { IdFactory } from "./ids.js";
import { KeyRegistry } from "./key-registry.js";
import { MonotonicClock } from "./monotonic-clock.js";
import type { SimulatorOptions } from "./options.js";
import { Prng } from "./prng.js";
import type { ResourceContext } from "./resource-context.js";
import { SIM_RESOURCES } from "./resource-routes.js";
import { Router } from "./router.js";
import { serializeContact, serializeCustomer, serializeOnboarding } from "./rows.js";
import { ScriptedFaults } from "./scripted-faults.js";
import { RateLimiter } from "./sliding-window.js";
import type { Organization, SimSnapshot } from "./snapshot.js";
import { Store } from "./store.js";

/** Everything `GET /_admin/state` shows: every object, soft-deleted ones flagged. */
export interface SimStateDump {
	readonly organization: Organization;
	readonly customers: Array<Record<string, unknown>>;
	readonly contacts: Array<Record<string, unknown>>;
	readonly onboardings: Array<Record<string, unknown>>;
	readonly keys: Array<{
		id: string;
		name: string;
		prefix: string;
		mode: string;
		tier: string;
		rate_limit: number;
		revoked: boolean;
	}>;
}

/**
 * The simulator's state and policies, independent of HTTP so tests can drive it in-process.
 * All mutable parts are rebuilt by `reset()` or loaded by `restore()`.
 */
export class SimEngine {
	readonly now: () => number;
	readonly organization: Organization;
	readonly limiter: RateLimiter;
	readonly idempotency: IdempotencyStore;
	readonly scripted = new ScriptedFaults();
	readonly maxBodyBytes: number;
	readonly #options: SimulatorOptions;
	readonly #seed: number;
	/** Separate streams so fault draws never shift the ids a seed produces. */
	readonly idPrng: Prng;
	readonly faultPrng: Prng;
	store = new Store();
	ids: IdFactory;
	clock: MonotonicClock;
	keys: KeyRegistry;
	counters: SimCounters = emptyCounters();
	faults: FaultConfig;
	#closed = false;
	readonly #timers = new Set<{ timer: NodeJS.Timeout; resolve: (done: boolean) => void }>();

	/** The routes of every resource: the built-in ones, then `options.resources`. */
	readonly router: Router;
	readonly #createdBy = new Map<string, string>();

	constructor(options: SimulatorOptions) {
		this.#options = options;
		const resources = [...SIM_RESOURCES, ...(options.resources ?? [])];
		this.router = new Router(resources);
		for (const resource of resources) this.#createdBy.set(resource.createRoute, resource.name);
		this.now = options.now ?? Date.now;
		this.#seed = options.seed ?? 1;
		this.idPrng = new Prng(this.#seed);
		this.faultPrng = new Prng(this.#seed ^ 0x9e3779b9);
		this.ids = new IdFactory(this.idPrng);
		this.clock = new MonotonicClock(this.now);
		this.keys = this.#newKeys();
		this.limiter = new RateLimiter(options.windowMs ?? 60_000, options.countRateLimitedRequests ?? false);
		this.idempotency = new IdempotencyStore(options.idempotencyTtlMs ?? 24 * 60 * 60 * 1000);
		this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
		this.organization = {
			id: options.organization?.id ?? `org_${this.ids.next().slice(1)}`,
			slug: options.organization?.slug ?? "sim-workspace",
			name: options.organization?.name ?? "Simulator Workspace",
		};
		this.faults = { ...DEFAULT_FAULTS };
		const initial =
			typeof options.faults === "string" ? parseFaultSpec(options.faults) : (options.faults ?? {});
		const latency =
			options.latency === undefined
				? {}
				: { latencyMinMs: options.latency.minMs, latencyMaxMs: options.latency.maxMs };
		this.setFaults({ ...initial, ...latency });
		for (const rule of options.scriptedFaults ?? []) this.scripted.push(rule);
		if (options.state !== undefined) this.restore(options.state);
	}

	#newKeys(): KeyRegistry {
		const o = this.#options;
		return new KeyRegistry(
			o.keys,
			{
				rateLimit: o.rateLimit ?? 60,
				testRateLimit: o.testRateLimit ?? 30,
				paidRateLimit: o.paidRateLimit ?? 600,
				paidKeyPattern: o.paidKeyPattern ?? /_paid_/,
			},
			this.ids,
		);
	}

	/** The resource a successful POST to `route` creates, for `counters.created`. */
	createdBy(route: string): string | undefined {
		return this.#createdBy.get(route);
	}

	get context(): ResourceContext {
		return { store: this.store, clock: this.clock, ids: this.ids };
	}

	/** Merges a partial config (or a `--faults` spec) into the random faults; throws one sentence if invalid. */
	setFaults(patch: Partial<FaultConfig> | string): FaultConfig {
		const next = { ...this.faults, ...(typeof patch === "string" ? parseFaultSpec(patch) : patch) };
		validateFaultConfig(next);
		this.faults = next;
		return { ...next };
	}

	countFault(kind: string): void {
		this.counters.faultsInjected[kind] = (this.counters.faultsInjected[kind] ?? 0) + 1;
	}

	/** Waits `ms` of real time; resolves false if the simulator closed meanwhile so the handler stops. */
	sleep(ms: number): Promise<boolean> {
		if (this.#closed) return Promise.resolve(false);
		if (ms <= 0) return Promise.resolve(true);
		return new Promise((resolve) => {
			const entry = {
				timer: setTimeout(() => {
					this.#timers.delete(entry);
					resolve(!this.#closed);
				}, ms),
				resolve,
			};
			this.#timers.add(entry);
		});
	}

	get closed(): boolean {
		return this.#closed;
	}

	close(): void {
		this.#closed = true;
		for (const entry of this.#timers) {
			clearTimeout(entry.timer);
			entry.resolve(false);
		}
		this.#timers.clear();
	}

	/** Drops all data, keys, windows, idempotency records, counters and scripted faults; random fault settings stay. */
	reset(): void {
		this.store = new Store();
		this.clock = new MonotonicClock(this.now);
		this.keys = this.#newKeys();
		this.limiter.clear();
		this.idempotency.clear();
		this.scripted.clear();
		this.counters = emptyCounters();
	}

	exportState(): SimSnapshot {
		return {
			version: 1,
			organization: { ...this.organization },
			store: this.store.snapshot(),
			keys: this.keys.list().map((k) => ({ ...k })),
			idempotency: this.idempotency.export(),
			rateWindows: this.limiter.export(),
			counters: structuredClone(this.counters),
			clockLastMs: Number.isFinite(this.clock.last) ? this.clock.last : null,
			idCounter: this.ids.counter,
			prngState: { ids: this.idPrng.state, faults: this.faultPrng.state },
		};
	}

	restore(snapshot: SimSnapshot): void {
		if (snapshot.version !== 1)
			throw new Error(`Unsupported simulator snapshot version ${String(snapshot.version)}.`);
		Object.assign(this.organization, snapshot.organization);
		this.store = new Store();
		this.store.restore(snapshot.store);
		this.idPrng.state = snapshot.prngState.ids;
		this.faultPrng.state = snapshot.prngState.faults;
		this.ids = new IdFactory(this.idPrng, snapshot.idCounter);
		this.clock = new MonotonicClock(this.now, snapshot.clockLastMs ?? Number.NEGATIVE_INFINITY);
		this.keys = this.#newKeys();
		this.keys.restore(snapshot.keys);
		this.idempotency.import(snapshot.idempotency);
		this.limiter.import(snapshot.rateWindows);
		this.counters = structuredClone(snapshot.counters);
	}

	stateDump(): SimStateDump {
		const flag = (o: Record<string, unknown>, deleted: boolean) => ({ ...o, deleted });
		return {
			organization: { ...this.organization },
			customers: this.store.customers.rows.map((r) => flag(serializeCustomer(r), r.deleted)),
			contacts: this.store.contacts.rows.map((r) => flag(serializeContact(r), r.deleted)),
			onboardings: this.store.onboardings.rows.map((r) => flag(serializeOnboarding(r), r.deleted)),
			keys: this.keys.list().map((k) => ({
				id: k.id,
				name: k.name,
				prefix: k.prefix,
				mode: k.mode,
				tier: k.tier,
				rate_limit: k.rateLimit,
				revoked: k.revoked,
			})),
		};
	}

	duplicates(): DuplicatesReport {
		return duplicatesReport(this.store);
	}
}
