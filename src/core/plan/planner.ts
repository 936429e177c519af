/**
 * The planner: what must happen to one source record, from the record, what the state knows of
 * it, and its parent. Pure, so a plan can be shown before anything is sent and applied as shown;
 * the executor carries operations out and knows nothing of why.
 */

import { createHash } from "node:crypto";
import {
	copyOf,
	generationOf,
	type PivotalCopy,
	type RecordState,
	type SourceRecord,
} from "../../model/records.js";
import { isWorkspaceMatched, resourceOf } from "../../model/resources.js";
import { diffFields, type FieldChange } from "./field-diff.js";
import { emptiedFields, mayCreate, mayUpdate, type SkipReason, type SyncRules } from "./sync-rules.js";

export type Operation =
	/**
	 * POST. `isInDoubt`: an earlier send got no answer, so the record may exist already and,
	 * where no uniqueness rule guards it, is looked up before it is sent again.
	 */
	| { readonly kind: "create"; readonly generation: number; readonly isInDoubt: boolean }
	/**
	 * Nothing this import wrote is known of it: look for it in Pivotal (customers by
	 * `metadata.external_id`, slug, CRM ids; children by e-mail or name within the customer, or
	 * by `id` when the state has one but no values), then adopt and update it, or create it.
	 * `isInDoubt`: a create in doubt under `--only update`, which may not send it again: looked up
	 * instead, and found as the create made it, it is this import's creation (finding N14).
	 */
	| {
			readonly kind: "match";
			readonly generation: number;
			readonly id?: string;
			readonly isInDoubt?: boolean;
	  }
	/**
	 * PATCH exactly these fields. `stuck`: cells emptied in the file (`--empty clear`) whose field
	 * the API cannot empty, left as Pivotal has them.
	 */
	| {
			readonly kind: "update";
			readonly copy: PivotalCopy;
			readonly changes: readonly FieldChange[];
			readonly stuck?: readonly string[];
	  }
	| { readonly kind: "unchanged"; readonly copy: PivotalCopy; readonly stuck?: readonly string[] }
	/**
	 * Left out by `--only`: a row with no record under `update` (`not_in_pivotal`), or a change to a
	 * record under `create` (`only_create`). Nothing is sent and the state is not touched.
	 */
	| { readonly kind: "skipped"; readonly reason: SkipReason; readonly copy?: PivotalCopy }
	/** Its customer is not in Pivotal (failed, blocked or not in the files): not sent. */
	| { readonly kind: "blocked"; readonly parentKey: string }
	/** Left as the state has it: failed for good with the same request, or deleted in Pivotal. */
	| { readonly kind: "kept"; readonly reason: "failed" | "gone" };

export type OperationKind = Operation["kind"];

/** What the planner knows of a child's customer. */
export type ParentView =
	| { readonly kind: "ready"; readonly copy: PivotalCopy }
	/** To be created or matched by this plan's customers pass (a plan shown before it runs). */
	| { readonly kind: "planned" }
	| { readonly kind: "missing" };

export interface PlanOptions {
	/** Send records that failed for good again, even when their request has not changed. */
	readonly retryFailed: boolean;
	/** Create records again that were deleted in Pivotal since the last sync. */
	readonly recreate: boolean;
	/**
	 * No run of this import has finished yet: customers without state may have been made in
	 * Pivotal before it, so they are matched. Later runs create new rows directly (a slug that
	 * is taken still adopts its customer).
	 */
	readonly isFirstSync: boolean;
	/** Is this failed record one the user picked to retry (the failures screen)? */
	readonly isPicked?: ((key: string) => boolean) | undefined;
	/** `--only`, `--empty`: what this sync may change. @default no rules (create and update; keep emptied cells) */
	readonly rules?: SyncRules | undefined;
}

export function planRecord(
	record: SourceRecord,
	state: RecordState | undefined,
	parent: ParentView | undefined,
	options: PlanOptions,
): Operation {
	const op = planChange(record, state, parent, options);
	return options.rules ? withRules(record, op, options.rules) : op;
}

/**
 * The operation under the sync rules: `--empty clear` adds the fields emptied in the file since
 * the last sync; `--only` leaves out the kind it does not allow.
 */
export function withRules(record: SourceRecord, op: Operation, rules: SyncRules): Operation {
	let ruled = op;
	if ((op.kind === "update" || op.kind === "unchanged") && rules.empty === "clear" && op.copy.v) {
		const emptied = emptiedFields(record.pass, record.body, op.copy.v, record.fields);
		const changes = [...(op.kind === "update" ? op.changes : []), ...emptied.cleared];
		const stuck = emptied.stuck.length > 0 ? { stuck: emptied.stuck } : {};
		ruled =
			changes.length > 0
				? { kind: "update", copy: op.copy, changes, ...stuck }
				: { kind: "unchanged", copy: op.copy, ...stuck };
	}
	if (ruled.kind === "update" && !mayUpdate(rules))
		return { kind: "skipped", reason: "only_create", copy: ruled.copy };
	if (ruled.kind === "create" && !mayCreate(rules)) {
		// An earlier send may have made it: it is in Pivotal or not, and only a look-up can tell.
		if (ruled.isInDoubt) return { kind: "match", generation: ruled.generation, isInDoubt: true };
		return { kind: "skipped", reason: "not_in_pivotal" };
	}
	return ruled;
}

function planChange(
	record: SourceRecord,
	state: RecordState | undefined,
	parent: ParentView | undefined,
	options: PlanOptions,
): Operation {
	if (parent !== undefined && parent.kind === "missing") {
		return { kind: "blocked", parentKey: record.parentKey ?? "" };
	}
	// A child of a customer this import created can only have children the state knows of
	// (or that a uniqueness rule or an in-doubt look-up answers): no need to match them.
	const isUnderOurs = parent === undefined || parent.kind === "planned" || parent.copy.outcome === "created";
	const generation = generationOf(state);
	const known = copyOf(state);
	if (known !== undefined && isBeforeParent(known, parent)) {
		// Its customer was created anew (after a deletion): the record went with the old one.
		return { kind: "create", generation: Math.max(generation, known.g ?? 0) + 1, isInDoubt: false };
	}
	if (state === undefined) {
		return (isWorkspaceMatched(record.pass) && options.isFirstSync) || !isUnderOurs
			? { kind: "match", generation }
			: { kind: "create", generation, isInDoubt: false };
	}
	switch (state.s) {
		case "done":
			return againstCopy(record, state);
		case "sent":
			// An update (or an undo's write) that left with no answer recorded: Pivotal may hold its values.
			return state.was ? inDoubt(record, state.was) : { kind: "create", generation, isInDoubt: true };
		case "blocked":
			return state.was
				? againstCopy(record, state.was)
				: (isWorkspaceMatched(record.pass) && options.isFirstSync) || !isUnderOurs
					? { kind: "match", generation }
					: { kind: "create", generation, isInDoubt: false };
		case "removed":
			if (state.why === "gone" && !options.recreate) return { kind: "kept", reason: "gone" };
			return { kind: "create", generation, isInDoubt: false };
		case "failed": {
			const isRetried =
				state.retryable ||
				options.retryFailed ||
				(options.isPicked?.(record.key) ?? false) ||
				// The file changed the request since it failed: the cause may be fixed.
				(state.b !== undefined && state.b !== bodyHash(record.body)) ||
				// Refused for a slug or an e-mail another record held: it may have been given up since
				// (adversarial findings W12, Y3); a create's look-up takes one still held. Not in a round
				// of records picked to retry: only those go (finding Z5).
				(options.isPicked === undefined &&
					state.code !== undefined &&
					state.code === resourceOf(record.pass).unique?.code);
			if (!isRetried) return { kind: "kept", reason: "failed" };
			// A request that failed on 5xx or the network may have been carried out all the same.
			const isInDoubt = state.retryable && state.status !== 429;
			const copy = copyOf(state);
			if (copy) return isInDoubt ? inDoubt(record, copy) : againstCopy(record, copy);
			// Several records in Pivotal matched it: nothing was sent, it is looked up again (never
			// created beside them).
			if (state.code === "ambiguous_match") return { kind: "match", generation };
			return { kind: "create", generation, isInDoubt };
		}
	}
}

/**
 * Is `copy` a child record of an earlier incarnation of its customer? A customer this plan
 * creates has no children yet; one created in a later run than the child was last written
 * (`--recreate` after it was deleted in Pivotal, an import after an undo) has none from before.
 */
export function isBeforeParent(copy: PivotalCopy, parent: ParentView | undefined): boolean {
	if (parent === undefined || parent.kind === "missing") return false;
	if (parent.kind === "planned") return true;
	const born = parent.copy.outcome === "created" ? parent.copy.c : undefined;
	const seen = copy.r ?? copy.c;
	return born !== undefined && seen !== undefined && seen < born;
}

/**
 * An update in doubt: when the row no longer asks for a change against the copy, Pivotal may
 * still hold the lost request's values, so the row is compared with Pivotal's copy, read by id.
 */
function inDoubt(record: SourceRecord, copy: PivotalCopy): Operation {
	const op = againstCopy(record, copy);
	return op.kind === "unchanged" ? { kind: "match", generation: copy.g ?? 0, id: copy.id } : op;
}

function againstCopy(record: SourceRecord, copy: PivotalCopy): Operation {
	// A checkpoint of version 1 knows the id but not the values: compare with Pivotal's copy.
	if (copy.v === undefined) return { kind: "match", generation: copy.g ?? 0, id: copy.id };
	const changes = diffFields(record.pass, record.body, copy.v);
	return changes.length === 0 ? { kind: "unchanged", copy } : { kind: "update", copy, changes };
}

/** A short hash of a record's request body, kept with a failure to notice a fixed row. */
export function bodyHash(body: Readonly<Record<string, unknown>>): string {
	return createHash("sha256").update(JSON.stringify(body)).digest("base64url").slice(0, 16);
}
