/**
 * The records that flow from `source/` into the engine, and the outcome of each one as the
 * checkpoint remembers it. Shared vocabulary of source/, core/ and the reporters.
 */

import type { PassName } from "./resources.js";

// The passes come from the table of resources: re-exported where the records' vocabulary lives.
export { PASSES, type PassName } from "./resources.js";

/** One CSV row, validated and turned into the request it will become. */
export interface SourceRecord {
	readonly pass: PassName;
	/**
	 * Stable identity of the record inside its pass, independent of row order:
	 * customers `external_id`; contacts `<customer_external_id>/<email lower-cased>`;
	 * onboardings `<customer_external_id>/name:<name>` when the name is unique among that customer's rows, else `<customer_external_id>/#<n>`, n its 1-based position among them (source/onboarding-keys.ts); states written before hold `<customer_external_id>/<n>`, found by core/plan/legacy-keys.ts.
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
	/**
	 * Customers whose row gives no slug: the one derived from the name (unique within the file).
	 * Sent on create only, never compared or PATCHed, never used to match a customer in Pivotal.
	 */
	readonly slug?: string;
	/**
	 * The fields the file has a column for (`metadata.<key>` for a metadata column), shared by
	 * every record of the file. A field without a column (dropped from the export, or mapped out)
	 * is not the file's: `--empty clear` never clears it. Undefined: not known (every field).
	 */
	readonly fields?: readonly string[];
	/**
	 * An onboarding row re-spelled from a name of its customer's records that it cannot be told
	 * apart between (legacy-keys.ts): their names. The plan refuses it (findings T9, T10).
	 */
	readonly respelledFrom?: readonly string[];
}

/** Values of the source-owned fields of a record, as this tool last wrote or read them in Pivotal. */
export type FieldValues = Readonly<Record<string, unknown>>;

/** One run's update of a record: the values it replaced and the values it wrote (for undo). */
export interface Revision {
	/** The run (1-based, counted per import) that made the update. */
	readonly run: number;
	readonly before: FieldValues;
	readonly after: FieldValues;
}

/** What is known of a record's copy in Pivotal. */
export interface PivotalCopy {
	readonly id: string;
	/** Its `display_id`, the number in app URLs. */
	readonly d?: number;
	/** Created by this import, or found in Pivotal and adopted (never deleted by undo). */
	readonly outcome: "created" | "existed";
	/**
	 * The source-owned fields as last written or read back (`metadata` holds only the keys the
	 * source owns). What a sync diffs the file against. Absent in checkpoints of version 1.
	 */
	readonly v?: FieldValues;
	/** The run that created it (outcome `created`). */
	readonly c?: number;
	/** The run that last wrote it, and what that run did. */
	readonly r?: number;
	readonly did?: "created" | "existed" | "updated";
	/** Updates, oldest first: what undo puts back. */
	readonly ch?: readonly Revision[];
	/** Idempotency generation: raised each time a create must not replay an earlier one. */
	readonly g?: number;
}

/** What the checkpoint knows of one record. */
export type RecordState =
	/** Sent at least once, no final answer recorded yet: in doubt. */
	| {
			readonly s: "sent";
			readonly attempts: number;
			readonly g?: number;
			/** A create's: when it first left (epoch ms); a record made before then is not its. */
			readonly t?: number;
			/**
			 * The same on Pivotal's clock, at the earliest (`t` less the most this machine's clock was
			 * proven ahead of Pivotal's by its `Date` headers): what a record's `created_at` is
			 * compared with, whatever this machine's clock is off by (adversarial finding AC6).
			 */
			readonly ts?: number;
			/**
			 * What identifies the create: a customer's CRM ids (`CRM_ID_FIELDS`), an onboarding's
			 * `name`. In doubt, it may be in Pivotal, and a new row carrying one of them would be a
			 * second record beside it (findings T15, U2).
			 */
			readonly ids?: Readonly<Record<string, string>>;
			/**
			 * A create's: the values its sends carried while in doubt (the slug sent among them), the
			 * latest three. A record found for it that holds one of them is its, though the row was
			 * edited since (finding AB1).
			 */
			readonly sv?: readonly FieldValues[];
			/**
			 * 1: Pivotal answered a send of this create `idempotency_key_reused`, so one of its sends
			 * landed. Its record not found, it is not made again without `--recreate`, past the
			 * server's retention of the key too (finding AE5).
			 */
			readonly kr?: number;
			readonly was?: PivotalCopy;
			/** The run whose `--delete-missing` DELETE of `was` is out: a 404 read back is that delete. */
			readonly del?: number;
			/** 1: the DELETE out is an undo's (of `was`): a 404 read back is that undo's delete. */
			readonly un?: number;
	  }
	| ({ readonly s: "done"; readonly attempts: number } & PivotalCopy)
	| {
			readonly s: "failed";
			readonly status: number | null;
			readonly code: string;
			readonly message: string;
			readonly field?: string;
			readonly attempts: number;
			/** A transient cause (5xx, network, retries exhausted): a resume tries it again. */
			readonly retryable: boolean;
			/** Hash of the request body that failed: a row fixed in the file is tried again. */
			readonly b?: string;
			/** A create given up after it went out: what identifies it, as `sent` keeps (finding W11). */
			readonly ids?: Readonly<Record<string, string>>;
			/** A create given up after it went out: the values its sends carried, as `sent` keeps. */
			readonly sv?: readonly FieldValues[];
			readonly g?: number;
			/** A create's: when it first left (epoch ms), as for `sent`. */
			readonly t?: number;
			readonly ts?: number;
			/** The Pivotal copy when the failed request was an update of an existing record. */
			readonly was?: PivotalCopy;
	  }
	| { readonly s: "blocked"; readonly parentKey: string; readonly was?: PivotalCopy }
	/**
	 * No longer in Pivotal: deleted by undo, or found deleted there (an update answered 404).
	 * A later import creates it again (`gone` only with --recreate) under a new generation.
	 */
	| {
			readonly s: "removed";
			/** `deleted`: by a sync's `--delete-missing` (its row was gone from the files). */
			readonly why: "undone" | "gone" | "deleted";
			readonly id: string;
			readonly g: number;
			/** `deleted`: the copy as it was, what undo re-creates (its values last written). */
			readonly was?: PivotalCopy;
			/** `deleted`: the run that deleted it. */
			readonly run?: number;
			/** `deleted`: the customer's key of a contact or onboarding, to re-create it under. */
			readonly p?: string;
	  };

/** The Pivotal copy a state knows of, whatever became of the last request. */
export function copyOf(state: RecordState | undefined): PivotalCopy | undefined {
	if (state === undefined) return undefined;
	if (state.s === "done") return state;
	if (state.s === "removed") return undefined;
	return state.was;
}

/** The idempotency generation of a record's next create. */
export function generationOf(state: RecordState | undefined): number {
	if (state === undefined) return 0;
	if (state.s === "removed") return state.g;
	if (state.s === "done") return state.g ?? 0;
	if (state.s === "blocked") return state.was?.g ?? 0;
	return state.g ?? 0;
}
