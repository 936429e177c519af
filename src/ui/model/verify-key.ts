import { ApiError, NetworkError } from "../../api/errors.js";
import { isTestKey, keyFingerprint, maskKey } from "../../api/key.js";
import type { Me, PivotalClient } from "../../api/types.js";
import { defaultKeyLimit } from "../../app/key-limits.js";
import { windowHintMs } from "../../core/estimate.js";
import type { KeyLane, MeAnswer } from "../../core/run-types.js";

/** A key that `GET /me` accepted. The secret stays out of this: screens render it. */
export interface VerifiedKey {
	readonly fingerprint: string;
	readonly masked: string;
	readonly workspace: string;
	/** `organization.id`: keys of one run must share it. Always set by `verifyKey`. */
	readonly workspaceId?: string;
	readonly keyName: string;
	readonly tier: string;
	readonly isTest: boolean;
	/** Requests per window, from `X-RateLimit-Limit` (the documented default when absent). */
	readonly limit: number;
	readonly remaining: number | undefined;
	/** The whole answer, for the engine. Always set by `verifyKey`. */
	readonly me?: Me;
	/** The server's likely window, from this `GET /me`'s headers, for the plan's estimate. */
	readonly windowMs?: number;
	/** This `GET /me`'s send and answer times and its headers, for the run's governor. */
	readonly meAnswer?: MeAnswer;
}

export type KeyCheck =
	| { readonly ok: true; readonly key: VerifiedKey }
	| { readonly ok: false; readonly isAuth: boolean; readonly message: string };

/**
 * How often, and how long at most each time, a `GET /me` answered 429 (or a 5xx, or no answer)
 * is waited out.
 */
const RATE_LIMITED_TRIES = 4;
const RATE_LIMITED_WAIT_MAX_MS = 65_000;
/** Waits up to this long are waited out by a key of a pool even once another key is verified. */
const SHORT_WAIT_MS = 2_000;
/** The first wait after a 5xx or no answer; doubled each time. */
const TRANSIENT_WAIT_MS = 500;

/** A `GET /me` failure that asking again may cure: a 429, a 5xx, or no answer (not a stop). */
function waitBeforeAgain(error: unknown, attempt: number): number | undefined {
	if (error instanceof ApiError && error.status === 429)
		return Math.min(RATE_LIMITED_WAIT_MAX_MS, Math.max(1000, error.retryAfterMs ?? 1000));
	const isTransient =
		(error instanceof ApiError && error.status >= 500) ||
		(error instanceof NetworkError && error.reason !== "aborted");
	return isTransient ? TRANSIENT_WAIT_MS * 2 ** (attempt - 1) : undefined;
}

/**
 * `GET /me`, waiting out a 429 (a run just before this one may have spent the key's window), a
 * 5xx or a lost connection: `Retry-After` is obeyed up to a bound, a few times, and the stop
 * signal ends the wait. One blip on one key of a pool does not end a nightly run.
 */
async function meWaitingOut429(client: PivotalClient, signal?: AbortSignal, patience?: AbortSignal) {
	for (let attempt = 1; ; attempt++) {
		const sentAt = Date.now();
		try {
			return { me: await client.me(signal ? { signal } : {}), sentAt };
		} catch (error) {
			const waitMs = attempt < RATE_LIMITED_TRIES ? waitBeforeAgain(error, attempt) : undefined;
			if (waitMs === undefined) throw error;
			// A short wait (a blip: a 5xx, a lost answer) is waited out whatever the other keys did.
			const isLong = waitMs > SHORT_WAIT_MS;
			if (isLong && patience?.aborted) throw error;
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, waitMs);
				const done = () => {
					clearTimeout(timer);
					resolve();
				};
				signal?.addEventListener("abort", done, { once: true });
				if (isLong) patience?.addEventListener("abort", done, { once: true });
			});
			if (signal?.aborted || (isLong && patience?.aborted)) throw error;
		}
	}
}

/**
 * One `GET /me`: who the key is, and its rate limit. Errors become one sentence. `patience`, once
 * aborted, ends the long waits between asks (not an ask on the wire, nor a blip's short wait):
 * the key fails with what it was last answered.
 */
export async function verifyKey(
	client: PivotalClient,
	key: string,
	signal?: AbortSignal,
	patience?: AbortSignal,
): Promise<KeyCheck> {
	try {
		const { me, sentAt } = await meWaitingOut429(client, signal, patience);
		const answeredAt = Date.now();
		const windowMs = me.rateLimit ? windowHintMs(me.rateLimit, sentAt, answeredAt) : undefined;
		const isTest = isTestKey(key);
		return {
			ok: true,
			key: {
				fingerprint: keyFingerprint(key),
				masked: maskKey(key),
				workspace: me.data.organization.name,
				workspaceId: me.data.organization.id,
				keyName: me.data.api_key.name,
				tier: me.data.api_key.rate_limit_tier,
				isTest,
				limit: me.rateLimit?.limit ?? defaultKeyLimit(key),
				remaining: me.rateLimit?.remaining,
				me: me.data,
				...(windowMs === undefined ? {} : { windowMs }),
				...(me.rateLimit ? { meAnswer: { sentAt, answeredAt, rateLimit: me.rateLimit } } : {}),
			},
		};
	} catch (error) {
		if (error instanceof ApiError) {
			const isAuth = error.status === 401 || error.status === 403;
			return {
				ok: false,
				isAuth,
				message: isAuth
					? `The key ${maskKey(key)} was refused (${error.status} ${error.code}): check it in Admin > API Keys.`
					: `GET /me answered ${error.status} ${error.code}: ${error.message}`,
			};
		}
		if (error instanceof NetworkError)
			return { ok: false, isAuth: false, message: `${error.message} Check the base URL.` };
		return { ok: false, isAuth: false, message: `Could not verify the key: ${String(error)}` };
	}
}

/**
 * What a pool's checks decide, for the command line and the wizard alike. A refused key (401/403)
 * refuses the run, as does no key verified (the first failure says why). Otherwise the run goes on
 * with the verified keys, and the others, unverified for a reason of the moment (busy, a 5xx, no
 * answer), are left out (adversarial findings AA1, AB5).
 */
export function poolChecked(checks: readonly KeyCheck[]):
	| { readonly refusedAt: number; readonly isAuth: boolean }
	| {
			readonly verified: readonly { readonly key: VerifiedKey; readonly at: number }[];
			readonly leftOutAt: readonly number[];
	  } {
	const refusedAt = checks.findIndex((c) => !c.ok && c.isAuth);
	if (refusedAt >= 0) return { refusedAt, isAuth: true };
	const verified = checks.flatMap((c, at) => (c.ok ? [{ key: c.key, at }] : []));
	if (verified.length === 0) return { refusedAt: 0, isAuth: false };
	return { verified, leftOutAt: checks.flatMap((c, at) => (c.ok ? [] : [at])) };
}

/**
 * Every key checked at once (one `GET /me` each), in the order given. Once one key is verified the
 * others wait no longer than a blip's few seconds: a key busy in another client (429 with a
 * minute's Retry-After) fails at once, and a pool goes on without it, where it held the run a whole window before anything was
 * said (adversarial finding AB4). With none verified yet, each waits as one key alone would.
 */
export function verifyKeys(
	keys: readonly { readonly secret: string; readonly client: PivotalClient }[],
	signal?: AbortSignal,
): Promise<KeyCheck[]> {
	const patience = new AbortController();
	return Promise.all(
		keys.map(async ({ secret, client }) => {
			const check = await verifyKey(client, secret, signal, keys.length > 1 ? patience.signal : undefined);
			if (check.ok) patience.abort();
			return check;
		}),
	);
}

/**
 * One sentence when the keys cannot serve one run together, `undefined` when they can: they
 * must belong to one workspace, and be all test keys or all live keys (a test key suppresses
 * outbound side effects, so a mixed run would send some records' notifications and not others').
 */
export function keyPoolProblem(keys: readonly VerifiedKey[]): string | undefined {
	const conflict = workspaceConflict(keys);
	if (conflict) return conflict;
	const test = keys.find((k) => k.isTest);
	const live = keys.find((k) => !k.isTest);
	if (test && live)
		return `The keys ${live.masked} (live) and ${test.masked} (test) mix a live key with a test key; use keys of one kind only.`;
	return undefined;
}

/**
 * One sentence when the keys do not all belong to one workspace, naming the first key and the
 * first of another workspace (masked) and both workspaces; `undefined` when they do. A run's
 * records must land in one workspace whichever key sends them.
 */
export function workspaceConflict(keys: readonly VerifiedKey[]): string | undefined {
	const [first] = keys;
	const other = keys.find((k) => k.workspaceId !== first?.workspaceId);
	if (first === undefined || other === undefined) return undefined;
	// Two workspaces may share a name; their ids then tell them apart.
	const name = (k: VerifiedKey) =>
		first.workspace === other.workspace ? `“${k.workspace}” ${k.workspaceId ?? "?"}` : `“${k.workspace}”`;
	return `The keys ${first.masked} (workspace ${name(first)}) and ${other.masked} (workspace ${name(other)}) belong to different workspaces; use keys of one workspace only.`;
}

/**
 * What the plan and undo steps show of the run's keys and estimate at: the first key, with a
 * pool's limits summed and its keys counted (the plan step spoke for the first key alone: an
 * estimate of 4 min 54 s for a run of 12 s, adversarial finding AA2).
 */
export function poolKeyInfo(keys: readonly { readonly key: VerifiedKey }[]): VerifiedKey | undefined {
	const [first] = keys;
	if (first === undefined || keys.length === 1) return first?.key;
	const limit = keys.reduce((sum, { key }) => sum + key.limit, 0);
	return { ...first.key, masked: `${keys.length} keys`, limit };
}

/** What the engine gets of a verified key: its client, fingerprint, mask and `GET /me` answer. */
export function toKeyLane(key: VerifiedKey, client: PivotalClient): KeyLane {
	return {
		client,
		fingerprint: key.fingerprint,
		label: key.masked,
		...(key.me ? { me: key.me } : {}),
		...(key.meAnswer ? { meAnswer: key.meAnswer } : {}),
	};
}
