/**
 * What a record's end means beyond its own state: a success resets the circuit breaker, a
 * refusal counts toward it (the run stops or pauses on a streak of the same refusal), and
 * fields `--keep-pivotal-edits` left are reported with the record.
 */

import type { PassName, PivotalCopy, SourceRecord } from "../../model/records.js";
import type { ApplyContext } from "./apply-record.js";
import { failureToRecord } from "./failure-mapping.js";
import type { FailedExtra, Failure } from "./ledger.js";
import type { SendResult } from "./requester.js";
import { keptEditsNote } from "./sync-notes.js";

export class RecordOutcomes {
	readonly #ctx: ApplyContext;

	constructor(ctx: ApplyContext) {
		this.#ctx = ctx;
	}

	/** Done: the breaker hears of it; false when the state could not be written (the run stops). */
	succeeded(
		record: SourceRecord,
		copy: PivotalCopy,
		did: "created" | "existed" | "updated" | "unchanged",
		attempts: number,
	): boolean {
		this.#ctx.breaker.succeeded();
		return this.#ctx.ledger.succeed(record.pass, record, copy, did, attempts);
	}

	/** Failed: the state records why; a refusal counts toward the breaker. */
	failed(
		record: SourceRecord,
		text: string,
		result: SendResult<unknown> & { ok: false },
		extra: FailedExtra,
	): void {
		const failure = failureToRecord(result, this.#ctx.trip);
		if (failure === undefined) return;
		if (!this.#ctx.ledger.fail(record.pass, record, text, result.attempts, failure, extra)) return;
		if (!failure.retryable) this.#countStreak(record.pass, failure);
	}

	/**
	 * A write Pivotal may have made: answered 2xx with a body that could not be used, or (a
	 * create) 409 `idempotency_key_in_use`, a send of it still running. Reported as failed for this
	 * run, but its state stays as it was (in doubt, the mark written before it left), so the next
	 * run reads it back or sends it again under its idempotency key: a create is never made a
	 * second time, an update is not left failed though it landed.
	 */
	unread(record: SourceRecord, text: string, result: SendResult<unknown> & { ok: false }): void {
		const failure = failureToRecord(result, this.#ctx.trip);
		if (failure === undefined) return;
		this.#ctx.ledger.reportFailure(record.pass, record, text, result.attempts, failure);
	}

	#countStreak(pass: PassName, failure: Failure): void {
		const on = failure.field ? ` on ${failure.field}` : "";
		const count = this.#ctx.breaker.failed(`${pass} ${failure.status} ${failure.code}${on}`);
		if (count === undefined) return;
		const message = `${count} ${pass} in a row failed with ${failure.status} ${failure.code}${on}; stopped before failing the rest the same way. Fix the cause, then retry the failed records (the failures screen, or the same command with --retry-failed).`;
		if (this.#ctx.breakerAction === "pause") {
			this.#ctx.notice("error", message.replace("stopped", "paused"));
			this.#ctx.pause();
		} else {
			this.#ctx.trip("circuit-open", message);
		}
	}

	/** Fields `--keep-pivotal-edits` left: reported with the record, as undo reports them. */
	keptEdits(record: SourceRecord, kept: readonly string[]): void {
		if (kept.length === 0) return;
		this.#ctx.notice(
			"warn",
			`${record.pass} ${record.key}: ${kept.join(", ")} edited in Pivotal since the last sync; kept.`,
		);
		this.#ctx.ledger.note(record.pass, record, keptEditsNote(kept));
	}
}

/** A 2xx: the server did what was asked, whatever its answer's body. */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300;
