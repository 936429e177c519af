import type { PivotalClient } from "../../api/types.js";
import type { Governor } from "../governor.js";

/** Most `GET /health` asks in one pinning: a few round trips before each of up to three ticks. */
const MAX_ASKS = 64;

/**
 * Asks the server's clock (`GET /health`, which no key pays for) when the governor says an
 * answer then could bring the learnt window down a second before its first slot frees (see
 * `Governor.clockPinAt`), one ask at a time, until it has nothing more to gain. Never throws;
 * its waits do not keep the process alive.
 */
export async function pinClock(
	client: PivotalClient,
	governor: Governor,
	now: () => number,
	signal: AbortSignal,
): Promise<void> {
	if (client.health === undefined) return;
	for (let asks = 0; asks < MAX_ASKS && !signal.aborted; ) {
		const pin = governor.clockPinAt(now());
		if (pin === undefined) return;
		const waitMs = pin.startAt - now();
		if (waitMs > 0) {
			await idle(waitMs, signal);
			continue;
		}
		try {
			await client.health({ signal });
		} catch {
			return;
		}
		asks += 1;
		governor.clockChanged();
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
