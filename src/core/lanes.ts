import type { Lane } from "./execute/requester.js";
import { Governor } from "./governor.js";
import { PoolWindow } from "./pool-window.js";
import type { ImportDeps, ImportPlan } from "./run-types.js";

/** One lane per key of the run, each with its own governor; the single client when no pool is given. */
export function lanesOf(
	plan: Pick<ImportPlan, "keyFingerprint" | "windowMs">,
	deps: ImportDeps,
	now: () => number,
): Lane[] {
	const keys = deps.keys?.length
		? deps.keys
		: [{ client: deps.client, fingerprint: plan.keyFingerprint, label: "key" }];
	// Several keys learn the window together (see `PoolWindow`); one key has only its own answers.
	const pool = keys.length > 1 ? new PoolWindow() : undefined;
	return keys.map((key) => {
		const governor = new Governor({
			...(plan.windowMs === undefined ? {} : { windowMs: plan.windowMs }),
			now,
			clock: key.client.serverClock,
			pool,
		});
		// The caller's GET /me is in the key's window: its governor counts it and learns from it.
		const answer = "meAnswer" in key ? key.meAnswer : undefined;
		if (answer) governor.recordAnswered(answer.sentAt, answer.answeredAt, answer.rateLimit);
		return { client: key.client, fingerprint: key.fingerprint, label: key.label, governor, isAlive: true };
	});
}
