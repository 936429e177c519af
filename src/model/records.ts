/**
 * The records that flow from `source/` into the engine, and the outcome of each one as the
 * checkpoint remembers it. Shared vocabulary of source/, core/ and the reporters.
 */

export const PASSES = ["customers", "contacts", "onboardings"] as const;
export type PassName = (typeof PASSES)[number];

/** One CSV row, validated and turned into the request it will become. */
export interface SourceRecord {
	readonly pass: PassName;
	/**
	 * Stable identity of the record inside its pass, independent of row order:
	 * customers `external_id`; contacts `<customer_external_id>/<email lower-cased>`;
	 * onboardings `<customer_external_id>/<n>` where n counts that customer's onboardings in file order (1-based).
	 */
	readonly key: string;
	/** 1-based physical line of the row in its file (the header is line 1). */
	readonly line: number;
	/** The parent customer's `external_id` (contacts and onboardings). */
	readonly parentKey?: string;
	/**
	 * The request body, empty cells left out. Onboardings lack `customer_id`: the engine adds the
	 * parent's Pivotal id. Customers always carry `metadata.external_id`.
	 */
	readonly body: Readonly<Record<string, unknown>>;
	/** The original cells by header name, for the failures CSV. */
	readonly columns: Readonly<Record<string, string>>;
}

/** What the checkpoint knows of one record. */
export type RecordState =
	/** Sent at least once, no final answer recorded yet: in doubt. */
	| { readonly s: "sent"; readonly attempts: number }
	| {
			readonly s: "done";
			readonly outcome: "created" | "existed";
			readonly id: string;
			readonly attempts: number;
	  }
	| {
			readonly s: "failed";
			readonly status: number | null;
			readonly code: string;
			readonly message: string;
			readonly field?: string;
			readonly attempts: number;
			/** A transient cause (5xx, network, retries exhausted): a resume tries it again. */
			readonly retryable: boolean;
	  }
	| { readonly s: "blocked"; readonly parentKey: string };
