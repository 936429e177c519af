/** How a simulator key is declared; its own module so the key registry needs no simulator options. */

export interface SimKeySpec {
	/** The secret, e.g. `pivotal_test_ci_0001`. */
	readonly key: string;
	/** Display name (`/me` api_key.name, audit actor). @default derived from the key */
	readonly name?: string;
	/** Requests per window for this key. @default from the key's tier (rateLimit, testRateLimit or paidRateLimit) */
	readonly rateLimit?: number;
	/** `rate_limit_tier` reported by `/me`. @default "standard", "test" or "paid" */
	readonly tier?: string;
}

/** Default key pattern when no allow-list is given. */
export const DEFAULT_KEY_PATTERN = /^pivotal_(test_)?[A-Za-z0-9_]{6,}$/;
