import { ApiError, NetworkError } from "../../api/errors.js";
import { isTestKey, keyFingerprint, maskKey } from "../../api/key.js";
import type { PivotalClient } from "../../api/types.js";
import { windowHintMs } from "../../core/estimate.js";

/** A key that `GET /me` accepted. The secret stays out of this: screens render it. */
export interface VerifiedKey {
	readonly fingerprint: string;
	readonly masked: string;
	readonly workspace: string;
	readonly keyName: string;
	readonly tier: string;
	readonly isTest: boolean;
	/** Requests per window, from `X-RateLimit-Limit` (the documented default when absent). */
	readonly limit: number;
	readonly remaining: number | undefined;
	/** The server's likely window, from this `GET /me`'s headers, for the plan's estimate. */
	readonly windowMs?: number;
}

export type KeyCheck =
	| { readonly ok: true; readonly key: VerifiedKey }
	| { readonly ok: false; readonly isAuth: boolean; readonly message: string };

/** One `GET /me`: who the key is, and its rate limit. Errors become one sentence. */
export async function verifyKey(client: PivotalClient, key: string, signal?: AbortSignal): Promise<KeyCheck> {
	try {
		const sentAt = Date.now();
		const me = await client.me(signal ? { signal } : {});
		const windowMs = me.rateLimit ? windowHintMs(me.rateLimit, sentAt, Date.now()) : undefined;
		const isTest = isTestKey(key);
		return {
			ok: true,
			key: {
				fingerprint: keyFingerprint(key),
				masked: maskKey(key),
				workspace: me.data.organization.name,
				keyName: me.data.api_key.name,
				tier: me.data.api_key.rate_limit_tier,
				isTest,
				limit: me.rateLimit?.limit ?? (isTest ? 30 : 60),
				remaining: me.rateLimit?.remaining,
				...(windowMs === undefined ? {} : { windowMs }),
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
