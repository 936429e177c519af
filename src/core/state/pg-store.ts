/**
 * An open import state in Postgres. Records live in memory for the run (reads are synchronous,
 * as with the file); each update is queued and written in batches, one statement per batch
 * (records upserted, counters replaced, atomically). `durable()` waits until every non-deferred
 * update so far is committed: the requester awaits it before a request leaves.
 */

import type pg from "pg";
import type { PassName, RecordState } from "../../model/records.js";
import { CheckpointError } from "../checkpoint/checkpoint-error.js";
import type {
	CheckpointCounters,
	CheckpointData,
	CheckpointHeader,
} from "../checkpoint/checkpoint-format.js";
import type { PassCounts } from "../checkpoint/pass-counts.js";
import { queryFailed } from "./pg-errors.js";
import { RecordBook } from "./record-book.js";
import type { StateSetOptions, StateStore } from "./state-store.js";

/** Rows per statement at most: bounded parameters and memory per batch. */
const BATCH = 2000;

const WRITE = `WITH written AS (
	INSERT INTO pivotal_tui.records (import, pass, key, state)
	SELECT $1, p, k, s::json FROM unnest($2::text[], $3::text[], $4::text[]) AS t (p, k, s)
	ON CONFLICT (import, pass, key) DO UPDATE SET state = EXCLUDED.state
	RETURNING 1
)
UPDATE pivotal_tui.imports
SET counters = $5::jsonb, updated_at = now(),
	last_outcome = coalesce($6, last_outcome), last_run_at = CASE WHEN $6::text IS NULL THEN last_run_at ELSE now() END
WHERE name = $1`;

export interface PostgresStoreInit {
	readonly client: pg.Client;
	readonly url: string;
	readonly name: string;
	/** The masked URL and the name, as shown. */
	readonly where: string;
	readonly data: CheckpointData;
	/** Gives the lock back and closes the connection; called once, by `close()`. */
	readonly release: () => Promise<void>;
	/** Tells the store once the import's lock is lost: no write (nor request) may follow. */
	readonly onLockLost?: ((listener: (error: CheckpointError) => void) => void) | undefined;
}

export class PostgresStore implements StateStore {
	readonly path: string;
	readonly header: CheckpointHeader;
	readonly #client: pg.Client;
	readonly #url: string;
	readonly #name: string;
	readonly #release: () => Promise<void>;
	readonly #book: RecordBook;
	// Updates not written yet (the state's JSON), by pass and key: a record set twice before a
	// batch is written once.
	#queue = new Map<string, { pass: PassName; key: string; text: string; seq: number }>();
	#isCounterDirty = false;
	#outcome: string | undefined;
	#seq = 0;
	// The last non-deferred update's number, and the last one committed.
	#mustSeq = 0;
	#committedSeq = 0;
	#draining: Promise<void> | undefined;
	#isScheduled = false;
	#error: CheckpointError | undefined;
	#failedListeners: ((error: CheckpointError) => void)[] = [];
	#closed = false;

	constructor(init: PostgresStoreInit) {
		this.path = init.where;
		this.header = init.data.header;
		this.#client = init.client;
		this.#url = init.url;
		this.#name = init.name;
		this.#release = init.release;
		// Taken over, not copied: `PostgresState` hands what it read to this store alone.
		this.#book = new RecordBook(init.data);
		// A connection lost while the run is idle is said to the run at once (`onFailed`), and
		// shows at the next write besides, not as a crash.
		init.client.on("error", (error) => this.#fail(queryFailed(this.#url, error)));
		init.onLockLost?.((error) => this.#fail(error));
	}

	onFailed(listener: (error: CheckpointError) => void): void {
		if (this.#error) listener(this.#error);
		else this.#failedListeners.push(listener);
	}

	#fail(error: CheckpointError): void {
		if (this.#error) return;
		this.#error = error;
		for (const listener of this.#failedListeners.splice(0)) listener(error);
	}

	get(pass: PassName, key: string): RecordState | undefined {
		return this.#book.get(pass, key);
	}

	/** The pass's records as kept in memory, to read (a refresh compares states without parsing them). */
	records(pass: PassName): ReadonlyMap<string, RecordState> {
		return this.#book.of(pass);
	}

	set(pass: PassName, key: string, state: RecordState, options: StateSetOptions = {}): void {
		const { records, text } = this.#book.checked(pass, key, state);
		this.#assertOpen();
		if (this.#error) throw this.#error;
		const seq = ++this.#seq;
		const id = `${pass}\u0000${key}`;
		this.#queue.delete(id);
		this.#queue.set(id, { pass, key, text, seq });
		if (!options.isDeferred) this.#mustSeq = seq;
		records.set(key, state, text);
		this.#schedule();
	}

	durable(): true | Promise<true> {
		if (this.#error) return Promise.reject(this.#error);
		if (this.#committedSeq >= this.#mustSeq) return true;
		return this.#until(this.#mustSeq).then(() => true as const);
	}

	count(pass: PassName): PassCounts {
		return this.#book.count(pass);
	}

	entries(pass: PassName): IterableIterator<[string, RecordState]> {
		return this.#book.entries(pass);
	}

	failing(pass: PassName): IterableIterator<[string, RecordState]> {
		return this.#book.failing(pass);
	}

	addCounters(delta: Partial<CheckpointCounters>): void {
		this.#assertOpen();
		if (this.#book.addCounters(delta).length > 0) this.#isCounterDirty = true;
	}

	counters(): CheckpointCounters {
		return this.#book.counters();
	}

	noteOutcome(outcome: string): void {
		this.#outcome = outcome;
		this.#isCounterDirty = true;
	}

	async flush(): Promise<void> {
		this.#assertOpen();
		await this.#until(this.#seq);
		if (this.#isCounterDirty) {
			this.#kick();
			await this.#draining;
		}
		if (this.#error) throw this.#error;
	}

	/** Nothing to compact: every update replaced its row. */
	async compact(): Promise<void> {
		await this.flush();
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		try {
			await this.flush();
		} finally {
			this.#closed = true;
			await this.#release();
		}
	}

	async #until(seq: number): Promise<void> {
		while (this.#committedSeq < seq) {
			if (this.#error) throw this.#error;
			this.#kick();
			await this.#draining;
		}
		if (this.#error) throw this.#error;
	}

	#schedule(): void {
		if (this.#isScheduled) return;
		this.#isScheduled = true;
		// Deferred updates go out with the next batch, at the latest after this turn of the loop.
		setImmediate(() => {
			this.#isScheduled = false;
			if (!this.#closed) this.#kick();
		});
	}

	#kick(): void {
		if (this.#draining || this.#error) return;
		this.#draining = this.#drain().finally(() => {
			this.#draining = undefined;
		});
	}

	async #drain(): Promise<void> {
		while ((this.#queue.size > 0 || this.#isCounterDirty) && !this.#error) {
			const batch: { pass: PassName; key: string; text: string; seq: number }[] = [];
			for (const [id, entry] of this.#queue) {
				batch.push(entry);
				this.#queue.delete(id);
				if (batch.length >= BATCH) break;
			}
			// Updates are numbered in order and a batch takes the oldest: all up to its last are in.
			const last = batch.length > 0 ? Math.max(...batch.map((b) => b.seq)) : this.#committedSeq;
			const lowestLeft = this.#lowestQueued();
			const outcome = this.#outcome;
			this.#isCounterDirty = false;
			try {
				await this.#client.query(WRITE, [
					this.#name,
					batch.map((b) => b.pass),
					batch.map((b) => b.key),
					batch.map((b) => b.text),
					JSON.stringify(this.#book.counters()),
					outcome ?? null,
				]);
			} catch (error) {
				this.#error = queryFailed(this.#url, error);
				return;
			}
			this.#committedSeq = Math.max(
				this.#committedSeq,
				lowestLeft === undefined ? last : Math.min(last, lowestLeft - 1),
			);
		}
	}

	#lowestQueued(): number | undefined {
		let lowest: number | undefined;
		for (const entry of this.#queue.values())
			if (lowest === undefined || entry.seq < lowest) lowest = entry.seq;
		return lowest;
	}

	#assertOpen(): void {
		if (this.#closed)
			throw new CheckpointError({
				code: "closed",
				path: this.path,
				message: `The state ${this.path} is already closed.`,
			});
	}
}
