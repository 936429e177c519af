import type { PivotalClient } from "../../api/types.js";
import type { Governor } from "../governor.js";

/**
 * Most `GET /health` asks in one pinning: one as it opens, then a few ever nearer the instant
 * that decides (adversarial finding L5: back to back, up to 64 of them, against an API slow
 * enough to open the pinning seconds early while `/health` answered at once).
 */
export const MAX_ASKS_PER_PINNING = 6;

/** Most asks of one key's clock in a run, over all its pinnings (at most one per window). */
export const MAX_ASKS_PER_RUN = 16;

/**
 * Asks closer than this to the instant that decides, or to one another, tell too little more to
 * be worth sending: the pin's precision, what a timer on a busy machine may be late by. The time
 * in which an answer proves the shorter window is as long as the run's first request left after
 * the server's second began, the same in every second: with 20 ms here, a run that began within
 * about 13 ms after the server's tick (one in 75) could never prove it and was paced a whole
 * second late at every window (row a, 1 s late in 2 rounds of 45).
 */
const MIN_GAP_MS = 2;

/** What a run still allows one key to ask (`MAX_ASKS_PER_RUN` at its start). */
export interface AskBudget {
	left: number;
}

/**
 * Asks the server's clock (`GET /health`, which no key pays for) when the governor says an
 * answer then could bring the learnt window down a second before its first slot frees (see
 * `Governor.clockPinAt`), one ask at a time, until it has nothing more to gain.
 *
 * An answer proves the shorter window when it shows the server's new second and arrives before
 * the pin's `until`: the first ask, as the pinning opens, finds a tick already passed; each next
 * one goes out when a quarter of the time left for an answer is left (the time less the slowest
 * `/health` round trip seen), so a few asks come within `MIN_GAP_MS` of the last useful instant.
 * Never throws; its waits do not keep the process alive.
 */
export async function pinClock(
	client: PivotalClient,
	governor: Governor,
	now: () => number,
	signal: AbortSignal,
	budget: AskBudget = { left: MAX_ASKS_PER_RUN },
): Promise<void> {
	if (client.health === undefined) return;
	let roundTripMs = 0;
	let nextAt = Number.NEGATIVE_INFINITY;
	for (let asks = 0; asks < MAX_ASKS_PER_PINNING && budget.left > 0 && !signal.aborted; ) {
		const pin = governor.clockPinAt(now());
		if (pin === undefined) return;
		const waitMs = Math.max(pin.startAt, nextAt) - now();
		if (waitMs > 0) {
			await idle(waitMs, signal);
			continue;
		}
		const sentAt = now();
		try {
			await client.health({ signal });
		} catch {
			return;
		}
		const answeredAt = now();
		asks += 1;
		budget.left -= 1;
		roundTripMs = Math.max(roundTripMs, answeredAt - sentAt);
		governor.clockChanged();
		// The time left for an ask to be answered before `until`: spend a quarter of it waiting
		// for the tick, or, with too little left, wait for the next second's instant.
		const leftMs = pin.until - roundTripMs - answeredAt;
		nextAt = leftMs < MIN_GAP_MS ? pin.until : answeredAt + (leftMs * 3) / 4;
	}
}

function idle(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener("abort", done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		timer.unref();
		signal.addEventListener("abort", done, { once: true });
	});
}
