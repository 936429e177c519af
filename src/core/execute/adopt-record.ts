/**
 * A record found in Pivotal, taken into the state: compared field by field with the file and
 * updated where they differ (through `RecordUpdater`), or recorded as it is. Whether it is this
 * import's own (created by it, or known to it before) decides what the state keeps of it.
 */

import type { PivotalRecord } from "../../api/types.js";
import { copyOf, type PivotalCopy, type SourceRecord } from "../../model/records.js";
import { beforeValues, diffFields, ownedValues, readBack, withValues } from "../plan/field-diff.js";
import { mayUpdate } from "../plan/sync-rules.js";
import type { ApplyContext } from "./apply-record.js";
import { lostUpdate } from "./lost-update.js";
import type { RecordOutcomes } from "./record-outcomes.js";
import type { RecordUpdater } from "./update-record.js";

export class RecordAdopter {
	readonly #ctx: ApplyContext;
	readonly #outcomes: RecordOutcomes;
	readonly #updater: RecordUpdater;

	constructor(ctx: ApplyContext, outcomes: RecordOutcomes, updater: RecordUpdater) {
		this.#ctx = ctx;
		this.#outcomes = outcomes;
		this.#updater = updater;
	}

	/** Found in Pivotal: compared field by field with the file, and updated where they differ. */
	adopt(
		record: SourceRecord,
		server: PivotalRecord,
		attempts: number,
		isOurs = false,
		isCreatedByUs = false,
		isFresh = false,
	): Promise<void> | void {
		const owned = ownedValues(record.body);
		const known = readBack(record.pass, owned, server);
		const state = this.#ctx.ledger.store.get(record.pass, record.key);
		// Ours: keep what the state knows of it (created by this import, its revisions) even when
		// the last request for it failed.
		const earlier = copyOf(state);
		// A create's record keeps the generation whose key made it: a later create made again after
		// a delete goes under the next key, not one whose answer Pivotal replays (finding AG4).
		const generation = isCreatedByUs && (state?.s === "sent" || state?.s === "failed") ? (state.g ?? 0) : 0;
		const copy: PivotalCopy = {
			...(isOurs && earlier ? earlier : {}),
			id: server.id,
			d: server.display_id,
			outcome: isOurs && earlier ? earlier.outcome : isCreatedByUs ? "created" : "existed",
			...(isCreatedByUs ? { c: this.#ctx.run } : {}),
			...(generation > 0 ? { g: generation } : {}),
			v: known,
		};
		// Read back after an update left in doubt: only what that update sent is ours to set right.
		const lost = isOurs && isFresh && earlier ? lostUpdate(record.pass, earlier) : undefined;
		const all = diffFields(record.pass, record.body, known);
		const changes = lost ? all.filter((c) => lost.isOurs(c.field, known)) : all;
		// Fields edited in Pivotal since that update: kept, and said after the record's outcome (its
		// success clears what was noted of it before).
		const kept = lost ? all.filter((c) => !lost.isOurs(c.field, known)).map((c) => c.field) : [];
		const noteKept = () => this.#outcomes.keptEdits(record, kept);
		if (changes.length === 0) {
			const did = isOurs ? "unchanged" : isCreatedByUs ? "created" : "existed";
			const done: PivotalCopy = {
				...copy,
				v: owned,
				...(did === "unchanged" ? {} : { r: this.#ctx.run, did }),
			};
			// An adopted record is written even when nothing changes: the next sync diffs against it.
			if (did === "unchanged")
				this.#ctx.ledger.save(record.pass, record.key, { s: "done", attempts, ...done });
			if (this.#outcomes.succeeded(record, done, did, attempts)) noteKept();
			return;
		}
		// `--only create`: adopted as Pivotal has it; a later sync without it updates the differences.
		if (!mayUpdate(this.#ctx.rules)) {
			const done: PivotalCopy = { ...copy, r: this.#ctx.run, did: "existed" };
			this.#outcomes.succeeded(record, done, "existed", attempts);
			return;
		}
		// The state keeps what this import last wrote of the fields it leaves: the next sync compares
		// the file with that and sends nothing for them, as for any edit in Pivotal.
		const base = lost && earlier ? { ...copy, v: withValues(earlier.v ?? {}, beforeValues(changes)) } : copy;
		const done = this.#updater.update(record, base, changes, isFresh ? server : undefined, attempts);
		return kept.length === 0 ? done : Promise.resolve(done).then(noteKept);
	}
}
