/**
 * `--delete-missing`: sends the DELETE of one record a sync found gone from the files. The state
 * says the record is in doubt before the request leaves, so a kill between the request and its
 * answer is resolved by the next run: the record is still missing, its copy is still known, and
 * a second DELETE of a record already deleted answers 404, which counts as done.
 */

import { ApiError } from "../../api/errors.js";
import { copyOf, type SourceRecord } from "../../model/records.js";
import { resourceOf } from "../../model/resources.js";
import type { RunOutcome } from "../events.js";
import type { PlannedDelete } from "../plan/missing-records.js";
import { failureToRecord } from "./failure-mapping.js";
import type { Ledger } from "./ledger.js";
import { otherIdentity } from "./record-identity.js";
import type { Requester } from "./requester.js";

export interface DeleteContext {
	readonly ledger: Ledger;
	readonly requester: Requester;
	/** This run's number, kept with the deleted copy so undo of this run re-creates it. */
	readonly run: number;
	readonly trip: (outcome: RunOutcome, message: string) => void;
}

export async function deleteMissing(ctx: DeleteContext, planned: PlannedDelete): Promise<void> {
	const { ledger } = ctx;
	const { pass, key, copy } = planned;
	const record: SourceRecord = { pass, key, line: 0, body: {}, columns: {} };
	const previous = ledger.store.get(pass, key);
	const attemptsBefore = previous?.s === "sent" || previous?.s === "failed" ? previous.attempts : 0;
	const isOursOut = previous?.s === "sent" && previous.del !== undefined;
	// Pivotal's DELETE is idempotent (a deleted record answers 200 again): only a read tells a
	// record someone deleted there from one this run deletes. Not needed when our DELETE was out.
	if (!isOursOut) {
		const read = await ctx.requester.send((client) => client.getRecord(pass, copy.id), { subject: record });
		if (!read.ok && read.verdict.kind === "aborted") return;
		if (!read.ok && read.error instanceof ApiError && read.error.status === 404) {
			alreadyGone(ledger, planned, record);
			return;
		}
		// Not read: nothing says it is still the record this import made. Not deleted on that word.
		if (!read.ok) {
			const failure = failureToRecord(read, ctx.trip);
			if (failure !== undefined) ledger.fail(pass, record, "", read.attempts, failure, { was: copy });
			return;
		}
		const other = otherRecord(ledger, planned, read.value.data);
		if (other !== undefined) {
			notTheRecord(ledger, planned, record, other, read.attempts);
			return;
		}
	}
	const result = await ctx.requester.send((client) => client.deleteRecord(pass, copy.id), {
		subject: record,
		attemptsBefore,
		beforeAttempt: (attempts) => ledger.markInDoubt(pass, key, copy, attempts, ctx.run),
	});
	const isGone = !result.ok && result.error instanceof ApiError && result.error.status === 404;
	// A 404 on the first attempt, with no earlier DELETE of ours out: someone deleted it in
	// Pivotal since the read. Not this run's delete: undo must not re-create it.
	if (isGone && !isOursOut && result.attempts <= 1) {
		alreadyGone(ledger, planned, record);
		return;
	}
	// Gone by an earlier DELETE of ours (a run killed before it wrote the answer, or a retry): done.
	if (result.ok || isGone) {
		ledger.deletedMissing(pass, record, copy, ctx.run, planned.parentKey, result.attempts);
		return;
	}
	const failure = failureToRecord(result, ctx.trip);
	// The failed state keeps the copy (`was`): the next run, the row still missing, deletes it again.
	if (failure !== undefined) ledger.fail(pass, record, "", result.attempts, failure, { was: copy });
}

/**
 * A customer whose child's DELETE failed is not sent its own: deleting it would leave the child
 * under a deleted customer. Reported blocked; the state keeps its copy, so the next run, the row
 * still missing, deletes it once the child is gone.
 */
export function blockDelete(ledger: Ledger, planned: PlannedDelete, child: string): void {
	const record: SourceRecord = { pass: planned.pass, key: planned.key, line: 0, body: {}, columns: {} };
	ledger.count("blocked", planned.pass);
	ledger.note(planned.pass, record, {
		status: null,
		code: "blocked_by_child",
		message: `not deleted: ${child} under it could not be deleted; the next run deletes it once that is gone`,
		retryable: false,
	});
}

/** Deleted in Pivotal by someone else before this run got to it: gone, not deleted by this run. */
function alreadyGone(ledger: Ledger, planned: PlannedDelete, record: SourceRecord): void {
	const { pass, key, copy } = planned;
	ledger.save(pass, key, { s: "removed", why: "gone", id: copy.id, g: (copy.g ?? 0) + 1 });
	ledger.note(pass, record, {
		status: 404,
		code: "already_gone",
		message:
			"already deleted in Pivotal (not by this import): nothing to delete, and undo does not re-create it",
		retryable: false,
	});
}

/** What Pivotal's copy reads as where it is not the record the state keeps under this key. */
function otherRecord(ledger: Ledger, planned: PlannedDelete, server: unknown): string | undefined {
	// An answer that is not the record asked for (another id, or not a record at all) is not it.
	if (typeof server !== "object" || server === null) return "an answer that is not a record";
	const id = (server as { id?: unknown }).id;
	if (id !== planned.copy.id) return `id ${JSON.stringify(String(id).slice(0, 40))}`;
	const parent = resourceOf(planned.pass).parent?.resource;
	const parentId =
		parent === undefined || planned.parentKey === undefined
			? undefined
			: copyOf(ledger.store.get(parent as typeof planned.pass, planned.parentKey))?.id;
	return otherIdentity(
		planned.pass,
		planned.key,
		planned.parentKey,
		parentId,
		server as Readonly<Record<string, unknown>>,
		writtenKeyValue(planned),
	);
}

/** The key column's value the import last wrote for the record (an onboarding's name). */
function writtenKeyValue(planned: PlannedDelete): unknown {
	const key = resourceOf(planned.pass).key;
	return "column" in key ? planned.copy.v?.[key.column] : undefined;
}

/**
 * The state's id names a record that reads as another one: not deleted (it may be a record the
 * files still hold). Failed for good, its copy kept: the next run reads it again, and a person
 * who finds it is the record to delete deletes it by hand.
 */
function notTheRecord(
	ledger: Ledger,
	planned: PlannedDelete,
	record: SourceRecord,
	other: string,
	attempts: number,
): void {
	const { pass, key, copy } = planned;
	ledger.fail(
		pass,
		record,
		"",
		attempts,
		{
			status: null,
			code: "not_this_record",
			message: `not deleted: Pivotal's ${resourceOf(pass).one} ${copy.id}, which the state keeps under ${key}, now reads as ${other}. If a person changed it there, it is still yours: delete it in Pivotal by hand (the next run finds it gone) or put its row back; if not, the state names another record: check it`,
			retryable: false,
		},
		{ was: copy },
	);
}
