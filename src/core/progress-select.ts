import { PASSES } from "../model/records.js";
import { emptyPassTally } from "./events.js";
import { poolHeadroom } from "./key-headroom.js";
import type { PassProgress, ProgressSnapshot } from "./progress.js";

// Facts read off a progress snapshot, the same for every face of the engine.

/** Requests on the wire (rows waiting to go again are not). */
export function sendingCount(s: ProgressSnapshot): number {
	let n = 0;
	for (const row of s.inFlight.values()) if (row.state === "sending") n += 1;
	return n;
}

/** Records of a pass with a final state. */
export function passDone(p: PassProgress): number {
	return passSucceeded(p) + p.failed + p.blocked + p.skipped;
}

/** Records of a pass that are as the files (or the undo) want them: written, or already right. */
export function passSucceeded(p: PassProgress): number {
	return p.created + p.existed + p.updated + p.unchanged + p.deleted + p.restored;
}

/** Records this run wrote in Pivotal (created, changed, deleted or put back). */
export function passWritten(p: PassProgress): number {
	return p.created + p.updated + p.deleted + p.restored;
}

export function passPending(p: PassProgress): number {
	return Math.max(0, p.total - passDone(p));
}

/** Answers in the last 60 s. */
export function pacePerMinute(s: ProgressSnapshot, now: number): number {
	const cutoff = Math.floor(now / 1000) - 60;
	let total = 0;
	for (const second of s.pace.recent) if (second.second > cutoff) total += second.requests;
	if (s.pace.current && s.pace.current.second > cutoff) total += s.pace.current.requests;
	return total;
}

/**
 * The pace shown as requests a minute: the answers of the last 60 s, scaled to a minute while the
 * run is younger than one (from its fifth second). Six seconds into a run of 60 per 6 s, 61
 * answers read "61/min" where the pace was 600 (adversarial finding AB6).
 */
export function paceShownPerMinute(s: ProgressSnapshot, now: number): number {
	const count = pacePerMinute(s, now);
	const age = now - s.startedAt;
	return age >= 60_000 ? count : Math.round((count * 60_000) / Math.max(age, 5_000));
}

/**
 * Time left at the better-known of the pace this run has kept and the key's limit over the
 * window the governor paces to. Undefined until there is something to go on.
 */
export function etaMs(s: ProgressSnapshot, now: number): number | undefined {
	const pending = PASSES.reduce((sum, pass) => sum + passPending(s.passes[pass]), 0);
	if (pending === 0) return 0;
	const elapsed = now - s.startedAt;
	const observed = elapsed > 5_000 && s.recordsFinishedThisRun > 0 ? s.recordsFinishedThisRun / elapsed : 0;
	// A window the governor still only assumes would make a guess of the estimate; events that
	// do not say are taken for Pivotal's minute.
	const isGuess = s.windowSource === "assumed";
	// Several keys send side by side: the run's limit is the sum of theirs.
	const limit = s.keys.size > 1 ? poolHeadroom(s.keys, now).limit : (s.headroom?.limit ?? 0);
	const limitRate = !isGuess ? limit / (s.windowMs ?? 60_000) : 0;
	const rate = observed > 0 ? observed : limitRate;
	return rate > 0 ? pending / rate : undefined;
}

export function totals(s: ProgressSnapshot): PassProgress {
	return PASSES.reduce<PassProgress>(
		(sum, pass) => {
			const p = s.passes[pass];
			return {
				total: sum.total + p.total,
				created: sum.created + p.created,
				existed: sum.existed + p.existed,
				updated: sum.updated + p.updated,
				unchanged: sum.unchanged + p.unchanged,
				deleted: sum.deleted + p.deleted,
				restored: sum.restored + p.restored,
				failed: sum.failed + p.failed,
				blocked: sum.blocked + p.blocked,
				skipped: sum.skipped + p.skipped,
				status: sum.status,
			};
		},
		{ total: 0, ...emptyPassTally(), status: "waiting" },
	);
}
