/**
 * The plan as a value, before anything is sent: every record of the files planned against the
 * state as it is on disk (read only), tallied per pass with the first few field changes and the
 * onboardings that would enter `launch` or `completed` (Pivotal fires automations then).
 */

import { PASSES, type PassName, type SourceRecord } from "../../model/records.js";
import type { KnownFromCheck, SourceOptions } from "../../source/index.js";
import type { CheckpointData } from "../checkpoint/index.js";
import type { SourceFiles } from "../run-types.js";
import type { FieldChange } from "./field-diff.js";
import { knownRecords } from "./legacy-keys.js";
import type { PlannedDelete } from "./missing-records.js";
import type { Operation, OperationKind } from "./planner.js";
import { Planning } from "./planning.js";
import type { SyncRules } from "./sync-rules.js";

export interface PlannedChange {
	readonly key: string;
	readonly line: number;
	readonly changes: readonly FieldChange[];
}

export interface PassPlan {
	readonly rows: number;
	readonly ops: Readonly<Record<OperationKind, number>>;
	/** How many records change each field. */
	readonly fields: Readonly<Record<string, number>>;
	/** The first few updates, with before → after. */
	readonly examples: readonly PlannedChange[];
	/** Onboardings that a create or an update puts into `launch` or `completed`. */
	readonly automations: readonly { readonly key: string; readonly line: number; readonly phase: string }[];
	readonly automationCount: number;
	/** Customers to create with a slug derived from their name (the row gives none): the first few, and how many. */
	readonly slugs?: readonly { readonly key: string; readonly line: number; readonly slug: string }[];
	readonly slugCount?: number;
	/**
	 * Of the `match` operations, records the state knows whose last write is in doubt (a run
	 * stopped with the request out): read back by id and corrected where they differ, never created.
	 */
	readonly readBack?: number;
	/**
	 * Of the `match` operations, rows the last run left `ambiguous_match` (several records in
	 * Pivotal matched them): looked up again, adopted only when one is left.
	 */
	readonly ambiguous?: number;
	/**
	 * Of the creates, records deleted before (in Pivotal, `--recreate`, or by `--delete-missing`,
	 * their rows back): made again unless Pivotal holds one with their identity again.
	 */
	readonly remade?: number;
	/**
	 * Of the creates and look-ups, creates Pivotal said landed whose record the last run did not
	 * find (`landed_not_found`): looked up again, never sent again unless `--recreate`.
	 */
	readonly landed?: number;
	/** The same under `--recreate`: looked up once more, made anew under the next key unless found. */
	readonly landedRemade?: number;
	/**
	 * Of the creates, other creates of an earlier run that got no answer (in doubt): each is looked
	 * up in Pivotal, or sent again under the same idempotency key.
	 */
	readonly inDoubt?: number;
	/** Records the state holds as in Pivotal that the file no longer has (reported, never deleted). */
	readonly notInFiles: number;
	/**
	 * Creates sent with no answer whose rows are gone from the file: they may be in Pivotal, and
	 * nothing resolves them until a run has their rows again (it looks each one up). Finding N6.
	 * Not among `notInFiles`, which counts the records the state knows a copy of.
	 */
	readonly unansweredNotInFiles?: number;
	/** Of the kept records, those deleted in Pivotal since the last sync (`--recreate` creates them). */
	readonly gone: number;
	/** `--only update`: rows with no record in Pivotal, not created. */
	readonly notInPivotal?: number;
	/** `--only create`: records whose changes are left as Pivotal has them. */
	readonly updatesLeft?: number;
	/** `--empty clear`: fields emptied in the file that the API cannot empty, with how many records. */
	readonly stuck?: Readonly<Record<string, number>>;
	/** Records with a cell emptied since the last sync that `--empty clear` clears (counted under either rule). */
	readonly emptied?: number;
	/** Records `--delete-missing` would delete (counted when planned with it, or with `preview`). */
	readonly deletable?: number;
	/** `--keep-pivotal-edits`: reads before the updates (one per record to update). */
	readonly reads?: number;
	/** `--delete-missing`: what would be deleted (the first few), and how many. */
	readonly deletes?: readonly PlannedDelete[];
	readonly deleteCount?: number;
	/** `--delete-missing`: gone from the file but adopted (or a customer of adopted records): kept. */
	readonly deleteKept?: number;
	/** Of those, ones this import created, kept because rows of the same name are still in the file. */
	readonly deleteKeptByName?: number;
	/** Of those, ones this import created, kept because a row left out as invalid may be theirs. */
	readonly deleteKeptLeftOut?: number;
	/** Of those, ones this import created, kept because a line skipped as a footer may be their row cut short. */
	readonly deleteKeptCutShort?: number;
	/** The cells of those footer lines, as the file holds them. */
	readonly footerCells?: readonly string[];
}

export interface SyncPlan {
	readonly passes: Readonly<Record<PassName, PassPlan>>;
	/** Requests the operations cost, list walks for matching not counted. */
	readonly requests: number;
	readonly isFirstSync: boolean;
	/** The sync rules the plan was made under. */
	readonly rules?: SyncRules | undefined;
	/** Why the run is refused before anything is sent (too many deletes), if it is. */
	readonly refusal?: string | undefined;
}

export interface MakePlanOptions {
	readonly files: SourceFiles;
	/** How the files are read (map, encoding, delimiter). */
	readonly source?: SourceOptions | undefined;
	readonly state: CheckpointData | undefined;
	readonly retryFailed: boolean;
	readonly recreate: boolean;
	/** `--only`, `--empty`, `--keep-pivotal-edits`, `--delete-missing`. @default no rules */
	readonly rules?: SyncRules | undefined;
	/** Called for every record's operation, in file order (NDJSON lines). */
	readonly onOperation?: (record: SourceRecord, op: Operation) => void;
	/**
	 * Count what each sync rule would change even when it is off (`emptied`, `deletable`), for a
	 * screen that offers the rules as toggles. Reads every key of the files into memory.
	 * @default false
	 */
	readonly preview?: boolean;
	/** Called for every record `--delete-missing` would delete, children first (NDJSON lines). */
	readonly onDelete?: (planned: PlannedDelete) => void;
	/**
	 * No run follows the plan (a dry run): the read that validates and plans keeps no copy of the
	 * records for one (kept-records.ts). @default false
	 */
	readonly isPlanOnly?: boolean;
	/** @default 5 */
	readonly examples?: number;
}

/**
 * Plans every record of the files, each read for the plan. `known`: what validation learnt of
 * each file (onboarding names, explicit slugs), so the read needs no pre-read of its own.
 */
export async function makePlan(
	options: MakePlanOptions,
	known?: Partial<Record<PassName, KnownFromCheck>>,
): Promise<SyncPlan> {
	const planning = new Planning(options);
	for (const pass of PASSES) {
		planning.startPass(pass);
		planning.leaveOut(pass, known?.[pass]?.leftOut);
		planning.knowKeys(pass, known?.[pass]?.keys);
		const file = options.files[pass];
		if (file) {
			const records = knownRecords(file, pass, options.source, options.state?.records[pass], known?.[pass]);
			for await (const record of records) planning.add(record);
		}
		planning.endPass();
	}
	return planning.finish();
}
