/**
 * Who sets a run's concurrency, in one place: the user (once they chose, the follower stops
 * raising it), the default for the key's limit at the first round, the latency follower on sound
 * answers, and the storm brake on failing ones, which also stops a run the server keeps failing.
 */

import { DEFAULT_CONNECTIONS } from "../api/connections.js";
import type { ImportEvent } from "./events.js";
import { LatencyFollower } from "./execute/latency-follower.js";
import type { Requester } from "./execute/requester.js";
import type { RunControl } from "./execute/run-control.js";
import { type BrakeSettings, isServerFailing, StormBrake } from "./execute/storm-brake.js";

/** Connections each key's client opens (the client's default pool): more in flight would only queue there. */
const CONNECTIONS_PER_KEY = DEFAULT_CONNECTIONS;

/**
 * Concurrency for the keys' limit (summed over `keys` keys) when the user sets none: a window's
 * worth at once, up to every key's connections. A window frees its slots in a burst (the first
 * window all at once, each later one as the one before was answered): records already waiting
 * at the governor, their bodies built, go out the moment their slot opens, where a few workers
 * would send the burst in waves of round trips and push the next window's turn as late.
 */
export function defaultConcurrency(limit: number | undefined, keys = 1): number {
	return Math.max(4, Math.min(limit ?? 60, CONNECTIONS_PER_KEY * Math.max(1, keys)));
}

/**
 * Connections a key's client opens ahead of the first burst, beside the one `GET /me` took
 * (asked once `GET /me` is answered): what the burst would open, the chosen concurrency's
 * share of a key when the user gave one, else the key's window as its `GET /me` told it
 * (`limit`; Pivotal's 60 when it did not).
 */
export function warmConnections(chosen: number | undefined, keys = 1, limit?: number): number {
	const perKey = chosen === undefined ? defaultConcurrency(limit) : Math.ceil(chosen / Math.max(1, keys));
	return Math.max(0, Math.min(perKey, CONNECTIONS_PER_KEY) - 1);
}

/**
 * The concurrency the latency follower's suggestion raises to (pure): never past the live keys'
 * connections, where a request would only wait in the pool with its deadline running (a slow but
 * sound server then read as one that does not answer); undefined to keep the current one.
 */
export function raisedConcurrency(
	suggested: number | undefined,
	current: number,
	keys: number,
): number | undefined {
	if (suggested === undefined) return undefined;
	const next = Math.min(suggested, CONNECTIONS_PER_KEY * Math.max(1, keys));
	return next > current ? next : undefined;
}

export interface ConcurrencyTapOptions {
	/** The user gave a concurrency: no default is picked for the key's limit. */
	readonly isChosen: boolean;
	readonly control: RunControl;
	readonly requester: Requester;
	readonly brake?: BrakeSettings | undefined;
	/** Says that the concurrency changed (a `concurrency-changed` event). */
	readonly announce: (concurrency: number) => void;
	/** Stops the run: the brake's streak ran out. */
	readonly trip: (message: string) => void;
}

export class ConcurrencyTap {
	readonly #options: ConcurrencyTapOptions;
	readonly #follower: LatencyFollower;
	readonly #brake: StormBrake;
	// No concurrency was given: the first round's start picks one for the keys' limit.
	#isDefault: boolean;

	constructor(options: ConcurrencyTapOptions) {
		this.#options = options;
		this.#follower = new LatencyFollower(options.isChosen);
		this.#brake = new StormBrake(options.brake);
		this.#isDefault = !options.isChosen;
	}

	userChose(concurrency: number): void {
		this.#follower.userChose();
		this.#isDefault = false;
		this.#change(concurrency);
	}

	/** A round starts: the first picks the default for the limit `GET /me` learnt (not announced: `run-started` says it). */
	runStarting(): void {
		if (!this.#isDefault) return;
		this.#isDefault = false;
		const { requester } = this.#options;
		const keys = requester.lanes.filter((lane) => lane.isAlive).length;
		this.#change(defaultConcurrency(requester.limit, keys), false);
	}

	/**
	 * Before the listeners hear an event. Only sound answers say how fast the server is: a storm
	 * of fast 500s or of timeouts must not raise the concurrency (the brake lowers it).
	 */
	before(event: ImportEvent): void {
		if (event.type !== "response" || isServerFailing(event.status) || this.#brake.isBraking) return;
		const { requester, control } = this.#options;
		const next = this.#follower.observe(
			event.durationMs,
			requester.limit,
			requester.governor?.windowMs,
			control.concurrency,
		);
		// Most answers suggest nothing (the follower looks every 50): the keys are counted only then.
		if (next === undefined) return;
		const keys = requester.lanes.filter((lane) => lane.isAlive).length;
		const raised = raisedConcurrency(next, control.concurrency, keys);
		if (raised !== undefined) this.#change(raised);
	}

	/** After the listeners heard an event: the brake, on every answer of a run still going. */
	after(event: ImportEvent): void {
		const { control } = this.#options;
		if (event.type !== "response" || control.isStopped) return;
		// This answer's request is still counted on the wire: the others are what was sent with it.
		const verdict = this.#brake.observe(event.status, control.concurrency, control.onWire - 1);
		if (verdict.concurrency !== undefined) {
			this.#change(verdict.concurrency, verdict.concurrency < control.concurrency);
		}
		const tripped = verdict.tripped;
		if (tripped !== undefined) {
			this.#options.trip(
				tripped.kind === "failing"
					? `The server is failing: ${tripped.count} requests in a row got a 5xx or no answer; stopped so as not to add to its load. The checkpoint is saved: run the same command again to resume once the server answers.`
					: `The server refused ${tripped.count} requests in a row with 429 and let none through; stopped rather than asking for ever. The checkpoint is saved: run the same command again to resume later.`,
			);
		}
	}

	#change(concurrency: number, announce = true): void {
		const { control } = this.#options;
		const before = control.concurrency;
		const now = control.setConcurrency(concurrency);
		if (announce && now !== before) this.#options.announce(now);
	}
}
