import type { IdFactory } from "./ids.js";
import { DEFAULT_KEY_PATTERN, type SimKeySpec } from "./key-spec.js";
import { SimError } from "./sim-error.js";

export interface ApiKeyRecord {
	readonly key: string;
	readonly id: string;
	readonly name: string;
	readonly prefix: string;
	readonly mode: "live" | "test";
	readonly tier: string;
	readonly rateLimit: number;
	revoked: boolean;
}

export interface KeyLimits {
	readonly rateLimit: number;
	readonly testRateLimit: number;
	readonly paidRateLimit: number;
	readonly paidKeyPattern: RegExp;
}

const TEST_PREFIX = "pivotal_test_";

/** The short visible prefix that is safe to log (§2): the kind marker plus four characters. */
export function keyPrefix(key: string): string {
	return key.startsWith(TEST_PREFIX)
		? key.slice(0, TEST_PREFIX.length + 4)
		: key.slice(0, "pivotal_".length + 4);
}

/**
 * Known API keys. With an allow-list only those keys exist; without one, any well-formed key is
 * registered on first use so tests and demos need no setup. Lookups are one Map get.
 */
export class KeyRegistry {
	readonly #keys = new Map<string, ApiKeyRecord>();
	readonly #openRegistration: boolean;
	readonly #limits: KeyLimits;
	readonly #ids: IdFactory;

	constructor(specs: ReadonlyArray<string | SimKeySpec> | undefined, limits: KeyLimits, ids: IdFactory) {
		this.#limits = limits;
		this.#ids = ids;
		this.#openRegistration = specs === undefined;
		for (const spec of specs ?? []) this.#register(typeof spec === "string" ? { key: spec } : spec);
	}

	/**
	 * Resolves an `Authorization` header to a live key record or throws the §12.7 401s:
	 * missing/garbled → missing_api_key, unknown → invalid_api_key, revoked → api_key_revoked.
	 */
	authenticate(header: string | undefined): ApiKeyRecord {
		const match = header === undefined ? null : /^bearer ([^\s:]\S*)$/i.exec(header.trim());
		if (match === null) {
			throw new SimError(
				401,
				"missing_api_key",
				"No API key provided. Send it as `Authorization: Bearer <key>`.",
			);
		}
		const key = match[1] as string;
		let record = this.#keys.get(key);
		if (record === undefined && this.#openRegistration && DEFAULT_KEY_PATTERN.test(key)) {
			record = this.#register({ key });
		}
		if (record === undefined) {
			throw new SimError(401, "invalid_api_key", `Invalid API key provided: ${keyPrefix(key)}…`);
		}
		if (record.revoked) {
			throw new SimError(401, "api_key_revoked", `The API key ${record.prefix}… has been revoked.`);
		}
		return record;
	}

	/** Revokes a key (registering it first if unseen) so its next call is refused. */
	revoke(key: string): ApiKeyRecord {
		const record = this.#keys.get(key) ?? this.#register({ key });
		record.revoked = true;
		return record;
	}

	list(): ApiKeyRecord[] {
		return [...this.#keys.values()];
	}

	/** Restores keys from a snapshot, keeping their ids. */
	restore(records: readonly ApiKeyRecord[]): void {
		for (const r of records) this.#keys.set(r.key, { ...r });
	}

	clear(): void {
		for (const [key, record] of this.#keys) {
			if (this.#openRegistration) this.#keys.delete(key);
			else record.revoked = false;
		}
	}

	#register(spec: SimKeySpec): ApiKeyRecord {
		const mode = spec.key.startsWith(TEST_PREFIX) ? "test" : "live";
		const limits = this.#limits;
		const paid = mode === "live" && limits.paidKeyPattern.test(spec.key);
		const tier = spec.tier ?? (mode === "test" ? "test" : paid ? "paid" : "standard");
		const rateLimit =
			spec.rateLimit ??
			(mode === "test" ? limits.testRateLimit : paid ? limits.paidRateLimit : limits.rateLimit);
		const prefix = keyPrefix(spec.key);
		const record: ApiKeyRecord = {
			key: spec.key,
			id: `key_${this.#ids.next().slice(1)}`,
			name: spec.name ?? `${mode === "test" ? "Test" : "Live"} key ${prefix}`,
			prefix,
			mode,
			tier,
			rateLimit,
			revoked: false,
		};
		this.#keys.set(spec.key, record);
		return record;
	}
}
