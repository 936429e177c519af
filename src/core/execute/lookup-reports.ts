/**
 * What a look-up for a record that may already be in Pivotal records when it settles nothing:
 * the look-up failed or found several candidates (the row fails, the mark of a create that may
 * have made its record kept as it was), its customer answered 404 (gone, the record blocked), the
 * answer to a create sent again names a record deleted since. Shared by the record applier and
 * `InDoubtCreates`; what each verdict means is theirs.
 */

import { ApiError } from "../../api/errors.js";
import type { PivotalRecord } from "../../api/types.js";
import type { PassName, PivotalCopy, RecordState, SourceRecord } from "../../model/records.js";
import { resourceOf } from "../../model/resources.js";
import { isCreateMaybeMade } from "../checkpoint/state-map.js";
import { bodyHash } from "../plan/planner.js";
import type { ApplyContext } from "./apply-record.js";
import type { Ambiguous } from "./existing-records.js";
import type { ExistingFinder } from "./find-existing.js";
import type { FailedExtra, Failure } from "./ledger.js";
import { ambiguousMatchFailure, lookupFailedFailure } from "./lookup-failures.js";
import { onServerClock } from "./made-by-create.js";

/**
 * `settled`: adopted, or failed and reported, nothing to send; `send`: go on with the create;
 * `again`: make it again under the next key (`--recreate` after a send that landed, its record
 * not found).
 */
export type InDoubtVerdict =
	| { readonly kind: "settled" }
	| { readonly kind: "send" }
	| { readonly kind: "again" };

export const SETTLED: InDoubtVerdict = { kind: "settled" };
export const SEND: InDoubtVerdict = { kind: "send" };

export class LookUpReports {
	readonly #ctx: ApplyContext;
	readonly #finder: ExistingFinder;

	constructor(ctx: ApplyContext, finder: ExistingFinder) {
		this.#ctx = ctx;
		this.#finder = finder;
	}

	/**
	 * The record a create sent again was answered with (`copy`), read by its id: the answer may be
	 * the replay of a send that landed in an earlier run, since deleted or edited in Pivotal
	 * (adversarial findings AF2, AG4). Deleted (404), it is recorded gone (`deleted_in_pivotal`,
	 * made again by `--recreate`), as an update's 404 is: `"gone"`. Undefined when the read fails.
	 */
	async readBack(
		record: SourceRecord,
		copy: PivotalCopy,
		text: string,
		attempts: number,
	): Promise<PivotalRecord | "gone" | undefined> {
		const read = await this.#ctx.requester.send((client) => client.getRecord(record.pass, copy.id));
		if (read.ok) return read.value.data;
		if (!(read.error instanceof ApiError) || read.error.status !== 404) return undefined;
		this.#ctx.ledger.gone(record.pass, record, text, copy, attempts);
		return "gone";
	}

	/** Now, on this machine's clock and, as far as the `Date` headers prove it, on Pivotal's. */
	clockNow(): { here: number; onServer: number | undefined } {
		const here = Date.now();
		return { here, onServer: onServerClock(here, this.#ctx.requester.lanes[0]?.client.serverClock) };
	}

	/**
	 * Its customer answered 404 for it: once a read of the customer answers 404 too (one answer is
	 * not proof), the customer is recorded gone and this record waits for it, blocked. False when
	 * the customer is there (or could not be read): the caller goes on as it would have.
	 */
	async parentGone(
		record: SourceRecord,
		parent: PivotalCopy,
		before: () => RecordState | undefined = () => this.#ctx.ledger.store.get(record.pass, record.key),
	): Promise<boolean> {
		const parentPass = resourceOf(record.pass).parent?.resource as PassName | undefined;
		if (parentPass === undefined || record.parentKey === undefined) return false;
		const read = await this.#ctx.requester.send((client) => client.getRecord(parentPass, parent.id));
		if (read.ok || !(read.error instanceof ApiError) || read.error.status !== 404) return false;
		const ledger = this.#ctx.ledger;
		// A create answered 404 made nothing: its mark for that send is not a doubt (finding AC8).
		if (ledger.parentGone(parentPass, record.parentKey, parent))
			ledger.blocked(record.pass, record, record.parentKey, before());
		return true;
	}

	/**
	 * The look-up before a create could not be made: not created on that word (it may be in
	 * Pivotal already). Failed, retryable, with no copy: the next run looks it up again first.
	 */
	lookupFailed(record: SourceRecord, generation = 0, why = this.#finder.lookupFailure): InDoubtVerdict {
		// A record made again keeps its generation: its first create's key would replay the old record.
		const extra = generation ? { g: generation } : {};
		this.#failLookUp(record, lookupFailedFailure(why), extra);
		return SETTLED;
	}

	/**
	 * More than one record in Pivotal answers for the row at the same level (finding O16): none is
	 * adopted or written. Failed, retryable, with no copy: each run looks it up again and reports
	 * it until one candidate is left (the others deleted, or given their own external id).
	 */
	ambiguousMatch(record: SourceRecord, found: Ambiguous, generation: number): InDoubtVerdict {
		this.#failLookUp(record, ambiguousMatchFailure(record.pass, found), {
			b: bodyHash(record.body),
			...(generation ? { g: generation } : {}),
		});
		return SETTLED;
	}

	/**
	 * A look-up that settled nothing, failed for this run. A create that may have made its record
	 * keeps its mark as it was (when it first left, its CRM ids, the values its sends carried): the
	 * next run is as unsure of it as this one, and looks it up again on the same evidence. Written
	 * over, a lost create's record was orphaned, a re-keyed row made a second customer, and a record
	 * someone made before the send counted as the import's (adversarial finding AC1).
	 */
	#failLookUp(record: SourceRecord, failure: Failure, extra: FailedExtra): void {
		const state = this.#ctx.ledger.store.get(record.pass, record.key);
		if (state !== undefined && (state.s === "sent" || state.s === "failed") && isCreateMaybeMade(state))
			this.#ctx.ledger.reportFailure(record.pass, record, "", state.attempts, failure);
		else this.#ctx.ledger.fail(record.pass, record, "", 0, failure, extra);
	}
}
