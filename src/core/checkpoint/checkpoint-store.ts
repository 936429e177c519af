import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { RecordBook } from "../state/record-book.js";
import type { CompactOptions, StateStore } from "../state/state-store.js";
import { CheckpointError, writeFailed } from "./checkpoint-error.js";
import {
	CHECKPOINT_FORMAT,
	CHECKPOINT_VERSION,
	type CheckpointCounters,
	type CheckpointData,
	type CheckpointHeader,
	DIGEST_PLACEHOLDER,
	RECORDS_SHA256,
} from "./checkpoint-format.js";
import { ChunkWriter } from "./chunk-writer.js";
import {
	bestEffort,
	type CheckpointFileSystem,
	CREATE_NEW,
	fsyncDirectoryOf,
	WRITE_IN_PLACE,
	writeAll,
} from "./file-system.js";
import { type GroupWrite, groupWrite } from "./group-write.js";
import { chainedLine, chainSeed, coveredHead, nextLink } from "./journal-chain.js";
import { recordLineHead } from "./parse-checkpoint.js";
import type { PassCounts } from "./pass-counts.js";

/**
 * The fewest journal lines between two compactions. A compaction stops the event loop for an
 * fsync of the new file and one of its folder: a few megabytes of journal (a resume reads it in
 * tens of milliseconds) spare a run of up to ~10,000 records any compaction but the one at its
 * close, where a thousand lines stopped it four times in 5,000 records.
 */
export const DEFAULT_COMPACT_EVERY = 20_000;

/** Journal lines a state keeps before it is compacted (see the class's invariants): O(1) amortised. */
export function journalAllowance(compactEvery: number, snapshotRecords: number): number {
	return Math.max(compactEvery, 2 * snapshotRecords);
}

/**
 * A run's close compacts a state whose journal is this share of its snapshot or more, or any
 * state smaller than a compaction's allowance: a nightly refresh of a million records that
 * changed ten thousand leaves them in the journal (the next load reads them, ~0.05 s) rather than
 * writing every record again (about a second and the whole file, every night).
 */
const CLOSE_COMPACTS_FROM = 1 / 8;

/** What `openCheckpoint` hands the store. Not a public constructor: open through `openCheckpoint`. */
export interface CheckpointStoreInit {
	readonly path: string;
	readonly data: CheckpointData;
	readonly fs: CheckpointFileSystem;
	readonly compactEvery: number;
	readonly now: () => number;
	/**
	 * Whether the first compaction may replace `<path>.bak`. False right after recovering from that
	 * backup: until a good main file is in place, the backup is the only good copy.
	 */
	readonly rotateBackup: boolean;
	/** Releases `<path>.lock`; called once, by `close()`. */
	readonly unlock: () => void;
	/**
	 * The file as loaded, when it is to be written on as it is (no compaction first): its length,
	 * the records of its snapshot and the lines of its journal.
	 */
	readonly asLoaded?: {
		readonly bytes: number;
		readonly snapshotRecords: number;
		readonly journalLines: number;
		/** The journal's last link (its chain's seed when it has no line), where the next line chains on. */
		readonly link: string;
	};
}

export interface SetOptions {
	/**
	 * Write the update with the next one, at the latest at the end of this turn of the event loop,
	 * instead of before `set()` returns. For updates whose loss in a kill is harmless: a record
	 * that looks unsent is sent again with its key, and a uniqueness rule or a look-up answers.
	 * @default false
	 */
	readonly isDeferred?: boolean;
	/**
	 * The update must be in the file before the next request leaves, not before `set()` returns:
	 * it goes with the other updates of this turn in one write at its end (group commit), and
	 * `durable()` waits for that write. For in-doubt marks, which the requester awaits.
	 * @default false
	 */
	readonly isBeforeRequest?: boolean;
}

/**
 * An open checkpoint: the state of every record plus request counters, with each update appended
 * to the file as one journal line before `set()` returns, and the file compacted to a single
 * snapshot line (atomically, by rename) once the journal outgrows the snapshot.
 */
export class CheckpointStore implements StateStore {
	readonly path: string;
	readonly header: CheckpointHeader;

	// Invariants, between public calls:
	// - #book's records hold exactly what the file holds (snapshot plus journal): an update
	//   reaches them only after its line was written, so a failed write changes nothing.
	// - #book's counters = the file's counters + #pending (deltas not written yet).
	// - #fd, when defined, is open read/write (not append) on `path`; the next line goes at
	//   #offset, the byte length of the file's complete lines. Writing at an explicit position
	//   means a line torn by a failed write is overwritten by the next one, never followed by it.
	// - #journalLines counts lines after the snapshot; #snapshotRecords is the record count of
	//   that snapshot. Compacting when the journal exceeds max(#compactEvery, 2 × #snapshotRecords)
	//   spends O(records) at most once per O(records) updates: O(1) amortised. Two lines a record:
	//   a send writes its in-doubt mark and then its answer, so a pass over every record compacts
	//   about once per doubling of the snapshot, not once per half of it.
	readonly #fs: CheckpointFileSystem;
	readonly #now: () => number;
	readonly #compactEvery: number;
	readonly #book: RecordBook;
	#pending: Record<string, number> | undefined;
	// Lines of deferred updates (already in #book), written before any other line; without their
	// links (journal-chain.ts), which are made as they are written.
	#deferred: string[] = [];
	#isFlushScheduled = false;
	// Set while #deferred holds a line that must be written before the next request leaves.
	#group: GroupWrite | undefined;
	// A deferred write that failed: thrown by the next set() or flush().
	#deferredError: CheckpointError | undefined;
	#fd: number | undefined;
	#offset = 0;
	#journalLines = 0;
	#snapshotRecords = 0;
	// The link of the file's last journal line, or its snapshot's seed: the next line chains on it.
	// Moves only once a line is written, so a failed write leaves the chain as the file has it.
	#link = "";
	#updatedAt: number;
	// True from a compaction (its file and folder fsynced) until the next line is written: a close
	// then has nothing to make durable.
	#isSynced = false;
	#rotateBackup: boolean;
	readonly #unlock: () => void;
	#closed = false;

	/** @internal Use `openCheckpoint`, which loads, validates and first compacts the file. */
	constructor(init: CheckpointStoreInit) {
		this.path = init.path;
		this.header = init.data.header;
		this.#fs = init.fs;
		this.#now = init.now;
		this.#compactEvery = init.compactEvery;
		this.#rotateBackup = init.rotateBackup;
		this.#unlock = init.unlock;
		// The loaded records are taken over, not copied: the opener hands them to no one else.
		this.#book = new RecordBook(init.data);
		this.#updatedAt = Date.parse(init.data.updatedAt);
		if (init.asLoaded) {
			this.#offset = init.asLoaded.bytes;
			this.#snapshotRecords = init.asLoaded.snapshotRecords;
			this.#journalLines = init.asLoaded.journalLines;
			this.#link = init.asLoaded.link;
		}
	}

	get(pass: PassName, key: string): RecordState | undefined {
		return this.#book.get(pass, key);
	}

	/** The pass's records as kept in memory, to read (a refresh compares states without parsing them). */
	records(pass: PassName): ReadonlyMap<string, RecordState> {
		return this.#book.of(pass);
	}

	/**
	 * Records `state` as the record's state, replacing the previous one. When this returns, the
	 * update is in the file (written to the OS: a process kill cannot lose it), unless `options`
	 * let it wait for the end of this turn. Throws
	 * `CheckpointError` `write-failed` when the file system refuses; the update is then not
	 * recorded, and the caller should stop. A compaction failure also throws `write-failed`, with
	 * the update already recorded. Throws `TypeError`, writing nothing, for a malformed state.
	 */
	set(pass: PassName, key: string, state: RecordState, options: SetOptions = {}): void {
		// The state's text is written and kept: serialised once.
		const { records, text } = this.#book.checked(pass, key, state);
		this.#assertOpen();
		this.#throwDeferredError();
		const t = this.#now();
		const counters = this.#pending === undefined ? "" : `,"c":${JSON.stringify(this.#pending)}`;
		const line = `{"t":${t},"p":"${pass}","k":${JSON.stringify(key)},"v":${text}${counters}`;
		if (options.isDeferred || options.isBeforeRequest) this.#defer(line, options.isBeforeRequest === true);
		else this.#append(line);
		this.#pending = undefined;
		this.#updatedAt = t;
		records.set(key, state, text);
		this.#maybeCompact();
	}

	/**
	 * `true` when no update that must precede a request is waiting for its write (a plain
	 * `set()` is in the file before it returns); otherwise a promise of the end of this turn's
	 * write, rejected with `write-failed` when it fails.
	 */
	durable(): true | Promise<true> {
		if (this.#deferredError) return Promise.reject(this.#deferredError);
		return this.#group?.written ?? true;
	}

	/** O(1): maintained on every `set()`. */
	count(pass: PassName): PassCounts {
		return this.#book.count(pass);
	}

	entries(pass: PassName): IterableIterator<[string, RecordState]> {
		return this.#book.entries(pass);
	}

	/**
	 * Adds to the request counters. Cheap: buffered in memory and written with the next `set()`
	 * or `flush()`, so a kill may lose the last few increments (they are statistics, not state).
	 */
	addCounters(delta: Partial<CheckpointCounters>): void {
		this.#assertOpen();
		for (const [name, n] of this.#book.addCounters(delta)) {
			this.#pending ??= {};
			this.#pending[name] = (this.#pending[name] ?? 0) + n;
		}
	}

	counters(): CheckpointCounters {
		return this.#book.counters();
	}

	/** Writes deferred updates and buffered counters, so that a kill from now on cannot lose them. */
	flush(): void {
		this.#assertOpen();
		if (this.#pending === undefined) {
			if (this.#deferred.length > 0) this.#append("");
			return;
		}
		const t = this.#now();
		// The object's text without its closing brace: the link ends the line.
		this.#append(JSON.stringify({ t, c: this.#pending }).slice(0, -1));
		this.#pending = undefined;
		this.#updatedAt = t;
		this.#maybeCompact();
	}

	/** Failed records (and records found deleted in Pivotal): what the ledger lists from the start. */
	failing(pass: PassName): IterableIterator<[string, RecordState]> {
		return this.#book.failing(pass);
	}

	/**
	 * Rewrites the file as one snapshot, a record a line: written to `<path>.tmp`, fsynced, then renamed over
	 * `path`, so that at every instant `path` is either the old file or the new one, whole. The
	 * old file stays as `<path>.bak` (a hard link, no copy) in case the new one is damaged later.
	 * Throws `write-failed` if the new file cannot be written; the current file is then untouched
	 * and updates still go to its journal. `ifWorthIt` (a run's close): only a journal that is a
	 * good share of the snapshot, or a small state's (`CLOSE_COMPACTS_FROM`).
	 */
	compact(options: CompactOptions = {}): void {
		this.#assertOpen();
		if (options.ifWorthIt && !this.#isWorthCompacting()) return;
		const fs = this.#fs;
		const tmp = `${this.path}.tmp`;
		let tmpFd: number | undefined;
		let length = 0;
		let seed = "";
		try {
			// A file left by a compaction a kill cut short, or a symlink someone planted: removed
			// (unlinking a symlink leaves its target alone), then created anew, never followed.
			bestEffort(() => fs.unlinkSync(tmp));
			tmpFd = fs.openSync(tmp, CREATE_NEW, 0o600);
			({ length, seed } = this.#writeSnapshot(tmpFd));
			// The rename below must not make a file visible whose bytes could still be lost.
			fs.fsyncSync(tmpFd);
			fs.closeSync(tmpFd);
			tmpFd = undefined;
		} catch (error) {
			if (tmpFd !== undefined) bestEffort(() => fs.closeSync(tmpFd as number));
			bestEffort(() => fs.unlinkSync(tmp));
			throw writeFailed(this.path, error);
		}
		if (this.#rotateBackup) {
			// A backup is a convenience: where hard links are refused there is simply none.
			bestEffort(() => fs.unlinkSync(`${this.path}.bak`));
			bestEffort(() => fs.linkSync(this.path, `${this.path}.bak`));
		}
		try {
			fs.renameSync(tmp, this.path);
		} catch (error) {
			bestEffort(() => fs.unlinkSync(tmp));
			throw writeFailed(this.path, error);
		}
		// The old fd now points at the replaced file (or the backup): never write to it again.
		const oldFd = this.#fd;
		this.#fd = undefined;
		if (oldFd !== undefined) bestEffort(() => fs.closeSync(oldFd));
		this.#offset = length;
		this.#link = seed;
		this.#journalLines = 0;
		this.#snapshotRecords = this.#book.size;
		this.#pending = undefined;
		this.#deferred = [];
		// The snapshot holds every record: the updates a request waits on are in it.
		this.#settleGroup(undefined);
		this.#rotateBackup = true;
		fsyncDirectoryOf(fs, this.path);
		this.#reopen();
		this.#isSynced = true;
	}

	/** Opens the file for writing now: a file that cannot be written is refused before any request. */
	assertWritable(): void {
		this.#assertOpen();
		this.#reopen();
	}

	/** Compacts, makes the file durable, closes it and releases the lock. Later calls do nothing. */
	async close(): Promise<void> {
		if (this.#closed) return;
		try {
			if (this.#journalLines > 0 || this.#pending !== undefined || this.#deferred.length > 0) {
				try {
					// A short journal on a big snapshot stays: the next open writes on after it.
					if (this.#isWorthCompacting()) this.compact();
					else this.flush();
				} catch (error) {
					// The journal already holds every record; save the counters there if possible.
					bestEffort(() => this.flush());
					throw error;
				}
			}
			const fd = this.#reopen();
			try {
				// A run's close compacts before it closes (run-ending.ts): that file is durable already.
				if (!this.#isSynced) this.#fs.fsyncSync(fd);
			} catch (error) {
				throw writeFailed(this.path, error);
			}
		} finally {
			this.#closed = true;
			const fd = this.#fd;
			this.#fd = undefined;
			if (fd !== undefined) bestEffort(() => this.#fs.closeSync(fd));
			this.#unlock();
		}
	}

	/**
	 * Writes the snapshot to `fd` a megabyte at a time; returns its length in bytes and the seed of
	 * the journal that follows it.
	 */
	#writeSnapshot(fd: number): { readonly length: number; readonly seed: string } {
		const records = this.#book.size;
		const out = new ChunkWriter(this.#fs, fd);
		// The digest of the record lines is known once they are written: the first line holds a
		// placeholder of its length, written over in place before the file is made durable.
		const body = JSON.stringify({
			format: CHECKPOINT_FORMAT,
			version: CHECKPOINT_VERSION,
			updatedAt: new Date(this.#updatedAt).toISOString(),
			header: this.header,
			counters: this.#book.counters(),
			records,
			[RECORDS_SHA256]: DIGEST_PLACEHOLDER,
		}).slice(0, -1);
		// The line's own link follows the digest, so both are written over once the digest is known.
		const first = coveredHead(body);
		const at = body.lastIndexOf(DIGEST_PLACEHOLDER);
		const digestAt = Buffer.byteLength(first.slice(0, at));
		out.text(`${first}\n`);
		out.startHash();
		// Each record's line from the bytes kept for it: no state is parsed or serialised again.
		for (const pass of PASSES) {
			// `recordLineHead(pass, key)`, its constant parts written as bytes.
			const [before, after] = lineHeadParts(pass);
			this.#book.of(pass).eachRawText((key, text, start, end) => {
				out.bytes(before);
				out.shortText(JSON.stringify(key));
				out.bytes(after);
				if (typeof text === "string") out.text(text);
				else out.span(text, start, end);
				out.bytes(LINE_END);
			});
		}
		const length = out.end();
		const digest = out.digest();
		const written = coveredHead(`${body.slice(0, at)}${digest}${body.slice(at + DIGEST_PLACEHOLDER.length)}`);
		// From the digest to the line's end: the digest, then the same bytes, then the new link.
		writeAll(this.#fs, fd, Buffer.from(written).subarray(digestAt), digestAt);
		return { length, seed: chainSeed(written) };
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new CheckpointError({
				code: "closed",
				path: this.path,
				message: `The checkpoint ${this.path} is already closed.`,
			});
		}
	}

	/** The fd, opening the file again if a compaction could not. */
	#reopen(): number {
		if (this.#fd !== undefined) return this.#fd;
		try {
			this.#fd = this.#fs.openSync(this.path, WRITE_IN_PLACE);
		} catch (error) {
			throw writeFailed(this.path, error);
		}
		return this.#fd;
	}

	/**
	 * Writes the deferred lines, then the line of `body` (a JSON object's text without its closing
	 * brace; none when empty), in one write, each chained on the one before it.
	 */
	#append(body: string): void {
		this.#throwDeferredError();
		const fd = this.#reopen();
		let link = this.#link;
		let text = "";
		for (const line of this.#deferred) {
			link = nextLink(link, line);
			text += chainedLine(line, link);
		}
		if (body !== "") {
			link = nextLink(link, body);
			text += chainedLine(body, link);
		}
		const lines = this.#deferred.length + (body === "" ? 0 : 1);
		const bytes = Buffer.from(text);
		try {
			writeAll(this.#fs, fd, bytes, this.#offset);
		} catch (error) {
			// Cut a torn line off now rather than rely on the next write to cover it.
			bestEffort(() => this.#fs.ftruncateSync(fd, this.#offset));
			const failure = writeFailed(this.path, error);
			this.#settleGroup(failure);
			throw failure;
		}
		this.#deferred = [];
		this.#link = link;
		this.#isSynced = false;
		this.#settleGroup(undefined);
		this.#offset += bytes.length;
		this.#journalLines += lines;
	}

	#throwDeferredError(): void {
		if (!this.#deferredError) return;
		const error = this.#deferredError;
		this.#deferredError = undefined;
		throw error;
	}

	/** The requests waiting on the lines just written (or on a write that failed) may go on. */
	#settleGroup(failure: CheckpointError | undefined): void {
		const group = this.#group;
		if (group === undefined) return;
		this.#group = undefined;
		if (failure) group.reject(failure);
		else group.resolve();
	}

	/**
	 * Keep a line for the next write, at the latest at the end of this turn of the event loop:
	 * one system call for many updates. A failure then is thrown by the next `set()` or `flush()`,
	 * and rejects `durable()` when a request is waiting on the line (`isAwaited`).
	 */
	#defer(line: string, isAwaited: boolean): void {
		this.#deferred.push(line);
		if (isAwaited) this.#group ??= groupWrite();
		if (this.#isFlushScheduled) return;
		this.#isFlushScheduled = true;
		setImmediate(() => {
			this.#isFlushScheduled = false;
			if (this.#deferred.length === 0) return;
			try {
				this.#assertOpen();
				this.#append("");
				this.#maybeCompact();
			} catch (error) {
				const failure = error instanceof CheckpointError ? error : writeFailed(this.path, error);
				this.#deferredError = failure;
				this.#settleGroup(failure);
			}
		});
	}

	#isWorthCompacting(): boolean {
		const records = this.#snapshotRecords;
		if (records + this.#journalLines < this.#compactEvery) return true;
		return this.#journalLines >= records * CLOSE_COMPACTS_FROM;
	}

	#maybeCompact(): void {
		if (this.#journalLines > journalAllowance(this.#compactEvery, this.#snapshotRecords)) this.compact();
	}
}

const LINE_END = Buffer.from("}\n");

/** What `recordLineHead(pass, key)` writes before the key's JSON and after it, as bytes. */
function lineHeadParts(pass: PassName): readonly [Buffer, Buffer] {
	const marker = "\u0000key";
	const head = recordLineHead(pass, marker);
	const at = head.indexOf(JSON.stringify(marker));
	return [Buffer.from(head.slice(0, at)), Buffer.from(head.slice(at + JSON.stringify(marker).length))];
}
