/**
 * Undo of a sync's `--delete-missing`: Pivotal has no undelete, so the record is created again
 * with the values the import last wrote, under a new id. Its idempotency key is of a new
 * generation (the delete raised it), so the POST cannot replay the first create's answer, and a
 * resumed undo sends the same key again: the server answers it, nothing is made twice.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import { copyOf, type PassName, type PivotalCopy, type SourceRecord } from "../../model/records.js";
import { bodyUnder, resourceOf } from "../../model/resources.js";
import type { RunOutcome } from "../events.js";
import { carriesFields } from "../execute/existing-records.js";
import { failureToRecord, UNDO_STOPPED } from "../execute/failure-mapping.js";
import type { ExistingFinder } from "../execute/find-existing.js";
import { heldIdFailure, type IdHolders } from "../execute/id-holders.js";
import type { Ledger } from "../execute/ledger.js";
import { existsAgainFailure } from "../execute/lookup-failures.js";
import { LOOKUP_FAILED } from "../execute/lookup-outcomes.js";
import { createCall } from "../execute/record-requests.js";
import type { Requester } from "../execute/requester.js";
import { idempotencyKey } from "../idempotency.js";
import type { UndoOperation } from "./undo-plan.js";

export interface RecreateContext {
	readonly ledger: Ledger;
	readonly requester: Requester;
	readonly trip: (outcome: RunOutcome, message: string) => void;
	/** Looks for a record Pivotal holds again under another id (one walk of each list per undo). */
	readonly finder: ExistingFinder;
	/** Keys of the customers this undo found held again (`exists_again`): their records wait. */
	readonly heldAgain: Set<string>;
	/** The ids each pass's records hold: a re-creation answered with another's is not recorded as it. */
	readonly idHolders: Readonly<Record<PassName, IdHolders>>;
}

export async function recreateRecord(
	ctx: RecreateContext,
	op: Extract<UndoOperation, { kind: "recreate" }>,
): Promise<void> {
	const { ledger } = ctx;
	const { pass, key, copy } = op;
	const record: SourceRecord = { pass, key, line: 0, body: {}, columns: {} };
	const def = resourceOf(pass);
	const parentPass = def.parent?.resource as PassName | undefined;
	const parent =
		op.parentKey === undefined || parentPass === undefined
			? undefined
			: copyOf(ledger.store.get(parentPass, op.parentKey));
	if (parentPass !== undefined && parent === undefined && ctx.heldAgain.has(op.parentKey ?? "")) {
		ledger.reportFailure(pass, record, "", 0, {
			status: null,
			code: "parent_not_in_pivotal",
			message: `its ${resourceOf(parentPass).one} ${op.parentKey} was not made again: Pivotal holds one with its identity again (exists_again); nothing is made under it.`,
			retryable: false,
		});
		return;
	}
	if (parentPass !== undefined && parent === undefined) {
		ledger.reportFailure(pass, record, "", 0, {
			status: null,
			code: "parent_not_in_pivotal",
			message: `its ${resourceOf(parentPass).one} ${op.parentKey ?? "(unknown)"} is not in Pivotal; undo that ${resourceOf(parentPass).one}'s delete first.`,
			retryable: false,
		});
		return;
	}
	if (op.isInDoubt) {
		const read = await ctx.requester.send((client) => client.getRecord(pass, copy.id), { subject: record });
		// Still there: the DELETE never landed, nothing to re-create.
		if (read.ok) {
			ledger.settle(pass, key, copy);
			return;
		}
		const isGone = read.error instanceof ApiError && read.error.status === 404;
		if (!isGone) {
			const failure = failureToRecord(read, ctx.trip, UNDO_STOPPED);
			if (failure !== undefined) ledger.reportFailure(pass, record, "", read.attempts, failure);
			return;
		}
	}
	const values = copy.v ?? {};
	if (await isThereAgain(ctx, record, values, parent)) return;
	const body = bodyUnder(def, parent?.id, values);
	const text = JSON.stringify(body);
	const idempotency = idempotencyKey(ledger.store.header.runId, pass, key, op.generation);
	const result = await ctx.requester.send(
		(client) => createCall(client, pass, parent?.id, text, idempotency),
		{
			subject: record,
		},
	);
	if (!result.ok) {
		const failure = failureToRecord(result, ctx.trip, UNDO_STOPPED);
		// The state stays "deleted": the same undo command tries it again.
		if (failure !== undefined) ledger.reportFailure(pass, record, text, result.attempts, failure);
		return;
	}
	const created = result.value.data as PivotalRecord;
	// Another record's id (finding U14): not recorded as that record; the state stays "deleted".
	const holder = ctx.idHolders[pass].holderOf(created.id, key);
	if (holder !== undefined) {
		ledger.reportFailure(
			pass,
			record,
			text,
			result.attempts,
			heldIdFailure(
				pass,
				created.id,
				holder,
				result.value.status,
				"It stays deleted in the state: the same undo sends it again",
			),
		);
		return;
	}
	ctx.idHolders[pass].add(created.id);
	// Nothing is under a customer made just now: its contacts are not looked for there.
	ctx.finder.created(pass, created);
	const again: PivotalCopy = { ...copy, id: created.id, d: created.display_id, g: op.generation };
	ledger.succeed(pass, record, again, "restored", result.attempts);
}

/**
 * Does Pivotal hold the record again under another id (added back by hand, or by a CRM
 * integration, since the delete)? Then it is reported `exists_again` and not made a second time
 * (finding O4); the state keeps it deleted, so a later undo looks again. A record carrying every
 * value this create sends is the one an undo killed with this POST out made: the POST goes again
 * under the same key and the server answers with it. True when the caller must stop.
 */
async function isThereAgain(
	ctx: RecreateContext,
	record: SourceRecord,
	values: Readonly<Record<string, unknown>>,
	parent: PivotalCopy | undefined,
): Promise<boolean> {
	const { pass, key } = record;
	const found = await ctx.finder.carryingIdentity(pass, key, values, parent?.id);
	if (found === null) return true;
	if (found === LOOKUP_FAILED) {
		ctx.ledger.reportFailure(pass, record, "", 0, {
			status: null,
			code: "lookup_failed",
			message: `could not be looked up in Pivotal before it was made again (${ctx.finder.lookupFailure}); not made, so there are not two: the same undo looks again`,
			retryable: true,
		});
		return true;
	}
	if (found.length === 0 || found.some((candidate) => carriesFields(candidate, values, pass))) return false;
	ctx.ledger.reportFailure(pass, record, "", 0, existsAgainFailure(pass, found));
	ctx.heldAgain.add(key);
	return true;
}
