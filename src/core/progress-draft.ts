/**
 * The reducer's three events of every request — `request-started`, `response`, `record-done` —
 * applied to a working copy of a snapshot that the reducer owns while it folds a run of them
 * (`reduceProgressAll` in progress.ts). Each part that changes (the in-flight list, the passes,
 * the keys, the pace per key) is copied once for the whole run of events, not once per event:
 * three copies of the snapshot and four of its maps per record, most never read (a headless run
 * reads it every few seconds, a screen ten times a second).
 *
 * Invariant: whatever the draft writes into is its own copy (`#owned`, and the pace seconds and
 * key counts in `#made`), made from the snapshot it started from on the first write; the snapshot
 * given to it, and every one handed out before, is never changed. `snapshot()` hands the draft's
 * state out and ends its ownership: a later write copies again. So an answer in the same second
 * as the one before it adds to that second's count where it is, where each answer made a new pace
 * history, second and key count twice over (aggregate and per key).
 */

import type { PassName } from "../model/records.js";
import type { ImportEvent } from "./events.js";
import { type KeyProgress, keyAnsweredAs, keySeen } from "./key-headroom.js";
import { countAnswer, emptyPace, type PaceHistory, type PaceSecond } from "./pace-history.js";
import type { InFlightRow, PassProgress, ProgressSnapshot } from "./progress.js";

/** The events a draft applies; the reducer's switch takes every other one. */
export type RequestEvent = Extract<ImportEvent, { type: "request-started" | "response" | "record-done" }>;

export function isRequestEvent(event: ImportEvent): event is RequestEvent {
	return event.type === "request-started" || event.type === "response" || event.type === "record-done";
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type OwnedPart = "inFlight" | "passes" | "keys" | "paceByKey";

export class ProgressDraft {
	#state: Mutable<ProgressSnapshot>;
	readonly #owned = new Set<OwnedPart | PassName>();
	/** Pace seconds and key counts this draft made since it last handed its state out: its to write. */
	readonly #made = new Set<PaceSecond | KeyProgress>();
	/** `#state` was handed out by `snapshot()`: the next write works on a copy of it. */
	#isHandedOut = false;

	constructor(from: ProgressSnapshot) {
		this.#state = { ...from };
	}

	apply(e: RequestEvent): void {
		if (this.#isHandedOut) {
			this.#state = { ...this.#state };
			this.#owned.clear();
			this.#made.clear();
			this.#isHandedOut = false;
		}
		const s = this.#state;
		s.lastEventAt = e.at;
		switch (e.type) {
			case "request-started": {
				this.#inFlight().set(`${e.pass}:${e.key}`, {
					pass: e.pass,
					key: e.key,
					line: e.line,
					attempt: e.attempt,
					state: "sending",
					since: e.at,
				});
				if (e.keyLabel !== undefined && !s.keys.has(e.keyLabel)) s.keys = keySeen(s.keys, e.keyLabel);
				return;
			}
			case "response": {
				s.requests += 1;
				s.headroom = e.rateLimit ?? s.headroom;
				s.windowMs = e.windowMs ?? s.windowMs;
				s.windowSource = e.windowSource ?? s.windowSource;
				const isRateLimited = e.status === 429;
				s.pace = this.#counted(s.pace, e.at, isRateLimited);
				const label = e.keyLabel;
				if (label === undefined) return;
				const paces = this.#own("paceByKey", s.paceByKey) as Map<string, PaceHistory>;
				const pace = paces.get(label) ?? emptyPace();
				const counted = this.#counted(pace, e.at, isRateLimited);
				if (counted !== pace) paces.set(label, counted);
				const keys = this.#own("keys", s.keys) as Map<string, KeyProgress>;
				const key = keys.get(label);
				if (key !== undefined && this.#made.has(key)) {
					const mine = key as Mutable<KeyProgress>;
					mine.requests += 1;
					mine.rateLimit = e.rateLimit ?? mine.rateLimit;
					mine.isRefused = mine.isRefused || e.status === 401 || e.status === 403;
				} else {
					const made = keyAnsweredAs(key, e.status, e.rateLimit);
					this.#made.add(made);
					keys.set(label, made);
				}
				return;
			}
			case "record-done": {
				// A refresh settles most records with no request: none in flight, no key to build.
				if (s.inFlight.size > 0) {
					const id = `${e.pass}:${e.key}`;
					if (s.inFlight.has(id)) this.#inFlight().delete(id);
				}
				const pass = this.#pass(e.pass);
				pass[e.outcome] += 1;
				s.recordsFinishedThisRun += 1;
				return;
			}
		}
	}

	/**
	 * `countAnswer(h, atMs, isRateLimited)`: counted into its second where it is when that second
	 * is one this draft made (the same history comes back), else as `countAnswer` makes it.
	 */
	#counted(h: PaceHistory, atMs: number, isRateLimited: boolean): PaceHistory {
		const current = h.current;
		if (current !== undefined && this.#made.has(current) && current.second >= Math.floor(atMs / 1000)) {
			const mine = current as Mutable<PaceSecond>;
			mine.requests += 1;
			if (isRateLimited) mine.rateLimited += 1;
			return h;
		}
		const counted = countAnswer(h, atMs, isRateLimited);
		if (counted.current !== undefined) this.#made.add(counted.current);
		return counted;
	}

	/** The snapshot after every event applied; the draft copies again on its next write. */
	snapshot(): ProgressSnapshot {
		this.#isHandedOut = true;
		return this.#state;
	}

	#inFlight(): Map<string, InFlightRow> {
		return this.#own("inFlight", this.#state.inFlight) as Map<string, InFlightRow>;
	}

	/** The snapshot's map `part`, copied into the draft on its first write. */
	#own<K, V>(part: "inFlight" | "keys" | "paceByKey", map: ReadonlyMap<K, V>): Map<K, V> {
		if (this.#owned.has(part)) return map as Map<K, V>;
		const copy = new Map(map);
		(this.#state as Record<typeof part, unknown>)[part] = copy;
		this.#owned.add(part);
		return copy;
	}

	#pass(name: PassName): Mutable<PassProgress> {
		const s = this.#state;
		if (!this.#owned.has("passes")) {
			s.passes = { ...s.passes };
			this.#owned.add("passes");
		}
		const passes = s.passes as Record<PassName, PassProgress>;
		if (!this.#owned.has(name)) {
			passes[name] = { ...passes[name] };
			this.#owned.add(name);
		}
		return passes[name] as Mutable<PassProgress>;
	}
}
