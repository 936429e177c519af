import { statSync } from "node:fs";
import { resolve } from "node:path";
import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import {
	CheckpointError,
	errnoOf,
	FRESH_WAY,
	FRESH_WAY_ELSEWHERE,
	readFailed,
	writeFailed,
} from "./checkpoint-error.js";
import {
	type CheckpointData,
	type CheckpointHeader,
	isAtRest,
	peekRunId,
	zeroCounters,
} from "./checkpoint-format.js";
import { type LineCount, linesOfFile } from "./checkpoint-lines.js";
import { CheckpointStore, DEFAULT_COMPACT_EVERY, journalAllowance } from "./checkpoint-store.js";
import { DigestMismatch } from "./fast-lines.js";
import { type CheckpointFileSystem, nodeFileSystem, writeAll } from "./file-system.js";
import { parseCheckpointOnThread } from "./load-thread.js";
import { acquireLock } from "./lock-file.js";
import { type ParsedCheckpoint, parseCheckpoint, parseCheckpointLines } from "./parse-checkpoint.js";
import { CHAIN_BROKEN } from "./parse-journal.js";

export interface ReadOptions {
	/**
	 * File-system functions, for tests that simulate a full disk or a read-only mount.
	 * @default node:fs
	 */
	readonly fs?: CheckpointFileSystem;
	/**
	 * When the checkpoint is corrupt, load its backup `<path>.bak` (the file as of the last
	 * compaction) instead of failing. The result's `recoveredFrom` says so. Off by default: the
	 * backup is older and forgets what was sent since, so a resume from it may send records again.
	 * @default false
	 */
	readonly recoverFromBackup?: boolean;
}

export interface OpenOptions extends ReadOptions {
	/** The checkpoint file, e.g. `customers.csv.checkpoint.json`. */
	readonly path: string;
	/**
	 * Set an existing checkpoint (and its backup) aside as `<path>.<timestamp>.old` and start over.
	 * @default false
	 */
	readonly fresh?: boolean;
	/**
	 * The fewest journal lines between two compactions; a larger checkpoint waits for as many
	 * lines as it has records.
	 * @default 1000
	 */
	readonly compactEvery?: number;
	/**
	 * Clock for `updatedAt` and the timestamps of set-aside files.
	 * @default Date.now
	 */
	readonly now?: () => number;
	/**
	 * Take over this process's own lock even while a store it opened holds it, as after a store
	 * dropped unclosed (a crash a test plays). Runs never set it: a second run on a state this
	 * process has open is refused (`locked`).
	 * @default false
	 */
	readonly isOwnTakenOver?: boolean;
}

export interface OpenResult {
	readonly store: CheckpointStore;
	/** An existing checkpoint was loaded (false: a new one was created from `create()`). */
	readonly resumed: boolean;
	/** `fresh`: the path the checkpoint that was there is kept under now. */
	readonly setAside?: string;
	/**
	 * Set when the checkpoint was corrupt and its backup was loaded instead: the backup's path.
	 * The corrupt file is kept as `<path>.<timestamp>.corrupt`.
	 */
	readonly recoveredFrom?: string;
}

/**
 * Opens the import's checkpoint for writing: loads it (resumed), or creates it with `create()`'s
 * header when there is none. Either way the file is compacted before this resolves, which also
 * proves it writable before any request is sent.
 *
 * Holds `<path>.lock` until `store.close()`.
 *
 * Rejects with `CheckpointError`: `corrupt` (and no usable backup), `not-a-checkpoint`,
 * `unsupported-version`, `read-failed`, `write-failed`, `invalid-header`, `locked`.
 */
export async function openCheckpoint(
	options: OpenOptions & { readonly create: () => CheckpointHeader },
): Promise<OpenResult> {
	const { path } = options;
	const fs = options.fs ?? nodeFileSystem;
	const now = options.now ?? Date.now;
	const compactEvery = options.compactEvery ?? DEFAULT_COMPACT_EVERY;
	if (!Number.isInteger(compactEvery) || compactEvery < 1) {
		throw new TypeError(`Expected compactEvery to be a positive integer, got ${compactEvery}`);
	}
	const unlock = acquireLock(fs, path, undefined, options.isOwnTakenOver ?? false);
	try {
		return openLocked({ ...options, fs, now, compactEvery }, unlock);
	} catch (error) {
		unlock();
		throw error;
	}
}

function openLocked(
	options: OpenOptions & {
		readonly create: () => CheckpointHeader;
		readonly fs: CheckpointFileSystem;
		readonly now: () => number;
		readonly compactEvery: number;
	},
	unlock: () => void,
): OpenResult {
	const { path, fs, now } = options;
	const init = { path, fs, now, compactEvery: options.compactEvery, unlock };

	let setAsideAs: string | undefined;
	if (options.fresh === true) {
		const stamp = timestamp(now);
		setAsideAs = setAside(fs, path, `${path}.${stamp}.old`);
		setAside(fs, `${path}.bak`, `${path}.${stamp}.old.bak`);
	}
	refuseReadOnly(fs, path);
	const loaded =
		(options.fresh === true ? undefined : takeLastRead(fs, path)) ??
		load(fs, path, options.recoverFromBackup ?? false);
	if (loaded === undefined) {
		// A backup without its checkpoint belongs to some earlier import: never recover into it.
		setAside(fs, `${path}.bak`, `${path}.${timestamp(now)}.old.bak`);
		const header = checkHeader(options.create(), path);
		const store = new CheckpointStore({ ...init, data: emptyData(header, now()), rotateBackup: true });
		store.compact();
		return { store, resumed: false, ...(setAsideAs === undefined ? {} : { setAside: setAsideAs }) };
	}
	if (loaded.recoveredFrom === undefined) {
		const { parsed, count } = loaded;
		// A file of this version with nothing torn and no journal, or the short journal a finished
		// run's close left (see `compact`'s `ifWorthIt`), is written on as it is: a refresh of a
		// million records does not rewrite them all before its first request. A run cut short is
		// compacted first, which keeps the file it left as the backup.
		const journalKept =
			parsed !== undefined &&
			isAtRest(parsed.data.counters) &&
			parsed.journalLines <= journalAllowance(options.compactEvery, parsed.snapshotRecords);
		if (
			parsed?.isCurrentVersion &&
			parsed.chainLink !== undefined &&
			(parsed.journalLines === 0 || journalKept) &&
			count.complete === count.total
		) {
			const asLoaded = {
				bytes: count.total,
				snapshotRecords: parsed.snapshotRecords,
				journalLines: parsed.journalLines,
				link: parsed.chainLink,
			};
			const store = new CheckpointStore({ ...init, data: loaded.data, rotateBackup: true, asLoaded });
			store.assertWritable();
			return { store, resumed: true };
		}
		const store = new CheckpointStore({ ...init, data: loaded.data, rotateBackup: true });
		// Also cuts off a torn last line, which the next append would otherwise extend.
		store.compact();
		return { store, resumed: true };
	}
	// Keep the damaged file for a post-mortem, without ever leaving `path` missing.
	const corruptCopy = uniqueName(fs, `${path}.${timestamp(now)}.corrupt`);
	try {
		const fd = fs.openSync(corruptCopy, "wx");
		try {
			writeAll(fs, fd, loaded.corruptBytes, 0);
		} finally {
			fs.closeSync(fd);
		}
	} catch (error) {
		throw writeFailed(corruptCopy, error);
	}
	const store = new CheckpointStore({ ...init, data: loaded.data, rotateBackup: false });
	store.compact();
	return { store, resumed: true, recoveredFrom: loaded.recoveredFrom };
}

/**
 * Loads a checkpoint without opening it for writing (the wizard shows what a resume would skip).
 * Resolves `undefined` when there is none; rejects like `openCheckpoint`. A corrupt file with a
 * usable backup yields the backup's data, with `recoveredFrom` set; nothing is written.
 *
 * The records are shared with an `openCheckpoint` of the same file that follows while the file
 * is unchanged (the plan, then the run): it is not read twice, and the run's updates show in them.
 */
export async function readCheckpoint(
	path: string,
	options: ReadOptions = {},
): Promise<(CheckpointData & { readonly recoveredFrom?: string }) | undefined> {
	const fs = options.fs ?? nodeFileSystem;
	const loaded = (await loadOnThread(fs, path)) ?? load(fs, path, options.recoverFromBackup ?? false);
	if (loaded === undefined) return undefined;
	if (loaded.recoveredFrom === undefined) {
		const identity = identityOf(fs, path);
		// The records are held weakly (the caller keeps them alive); the file's shape is small.
		const { data, parsed, count } = loaded;
		const shape = parsed === undefined ? undefined : { ...parsed, data: undefined };
		lastRead =
			identity === undefined
				? undefined
				: { path: resolve(path), identity, data: new WeakRef(data), shape, count };
		return loaded.data;
	}
	return { ...loaded.data, recoveredFrom: loaded.recoveredFrom };
}

type Loaded =
	| {
			readonly data: CheckpointData;
			readonly recoveredFrom?: undefined;
			readonly parsed?: ParsedCheckpoint;
			readonly count: LineCount;
	  }
	| { readonly data: CheckpointData; readonly recoveredFrom: string; readonly corruptBytes: Uint8Array };

/** The last checkpoint `readCheckpoint` loaded, while its caller keeps it. */
let lastRead:
	| {
			readonly path: string;
			readonly identity: string;
			readonly data: WeakRef<CheckpointData>;
			readonly shape: Omit<ParsedCheckpoint, "data"> | undefined;
			readonly count: LineCount;
	  }
	| undefined;

/**
 * What tells one version of a file from another: any write changes its size, times or inode (a
 * compaction renames a new file into place). Only for node:fs; other file systems read again.
 */
function identityOf(fs: CheckpointFileSystem, path: string): string | undefined {
	if (fs !== nodeFileSystem) return undefined;
	try {
		const s = statSync(path, { bigint: true });
		return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
	} catch {
		return undefined;
	}
}

/** What `readCheckpoint` loaded of `path`, if the file is still as it was; taken once. */
function takeLastRead(fs: CheckpointFileSystem, path: string): Loaded | undefined {
	const last = lastRead;
	lastRead = undefined;
	if (last === undefined || last.path !== resolve(path)) return undefined;
	const data = last.data.deref();
	if (data === undefined || identityOf(fs, path) !== last.identity) return undefined;
	return { data, count: last.count, ...(last.shape ? { parsed: { ...last.shape, data } } : {}) } as Loaded;
}

/**
 * The file's lines parsed, the snapshot's record lines taken as written while their digest is
 * proven (fast-lines.ts); records that do not match it are a damaged state (`corrupt`).
 */
function parseTrustingDigest(lines: () => Iterable<Uint8Array>, path: string): ParsedCheckpoint {
	try {
		return parseCheckpointLines(lines(), path, true);
	} catch (error) {
		if (!(error instanceof DigestMismatch)) throw error;
		// Read again checking every line, to name a damaged one; lines that each still read as a
		// record (a flipped byte in a value, two records' ids swapped) are damage all the same.
		parseCheckpointLines(lines(), path, false);
		// No line to name: a digest tells that a record changed, not which.
		throw new CheckpointError({
			code: "corrupt",
			path,
			message:
				"the snapshot's records are not the ones it was written with: they do not match the digest its first line holds",
		});
	}
}

/**
 * A sound file's load with its snapshot's lines read on a thread (load-thread.ts); undefined when
 * it is not loaded so (`load` then reads it, and says what is amiss as before).
 */
async function loadOnThread(fs: CheckpointFileSystem, path: string): Promise<Loaded | undefined> {
	const count: LineCount = { complete: 0, total: 0 };
	const parsed = await parseCheckpointOnThread(fs, path, count);
	return parsed === undefined ? undefined : { data: parsed.data, parsed, count };
}

function load(fs: CheckpointFileSystem, path: string, recover: boolean): Loaded | undefined {
	refuseIrregular(fs, path);
	try {
		const count: LineCount = { complete: 0, total: 0 };
		const parsed = parseTrustingDigest(() => linesOfFile(fs, path, count), path);
		return { data: parsed.data, parsed, count };
	} catch (caught) {
		if (caught instanceof CheckpointError && caught.code !== "corrupt") throw caught;
		if (!(caught instanceof CheckpointError)) {
			if (errnoOf(caught) === "ENOENT") return undefined;
			throw readFailed(path, caught);
		}
		const error = caught;
		// Damaged: read whole, to keep a copy and to match a backup (rare, and never on a good file).
		const bytes = readIfExists(fs, path);
		if (bytes === undefined) return undefined;
		const backup = `${path}.bak`;
		const backupBytes = recover ? readIfExists(fs, backup) : undefined;
		let recovered: CheckpointData | undefined;
		if (backupBytes !== undefined) {
			try {
				recovered = parseCheckpoint(backupBytes, backup);
			} catch {
				recovered = undefined;
			}
		}
		const runId = peekRunId(bytes);
		if (recovered !== undefined && (runId === undefined || runId === recovered.header.runId)) {
			return { data: recovered, recoveredFrom: backup, corruptBytes: bytes };
		}
		const what =
			error.line === undefined
				? "in its records"
				: error.line === 1
					? "at its first line"
					: `at line ${error.line}`;
		// A damaged snapshot is repaired as a whole; a journal line may be dropped alone.
		const isSnapshot =
			error.line === undefined || error.line === 1 || error.message.startsWith("the snapshot");
		// A broken chain: the line named may be sound and a line before it edited or gone.
		const isChainBroken = error.message.startsWith(CHAIN_BROKEN);
		const hasBackup = backupBytes !== undefined || (!recover && fs.existsSync(backup));
		const backupNote = !hasBackup
			? "it has no backup"
			: recover
				? `its backup ${backup} is unusable too`
				: `its backup ${backup} is older and would forget what was sent since, so it is not used`;
		const head = `The checkpoint ${path} is damaged ${what} (${error.message}) and ${backupNote}; nothing was sent: ${isChainBroken ? "restore the state from a copy you trust" : isSnapshot ? "repair it" : "repair or remove that line"}`;
		throw new CheckpointError({
			code: "corrupt",
			path,
			line: error.line,
			cause: error,
			message: `${head}, or ${FRESH_WAY}.`,
			withoutFresh: `${head}, or ${FRESH_WAY_ELSEWHERE}.`,
		});
	}
}

/** The file-type bits of a mode, and a regular file's. */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** The file's mode, or undefined when it cannot be had (the read then says why). */
function statMode(fs: CheckpointFileSystem, path: string): number | undefined {
	try {
		return fs.statSync?.(path).mode;
	} catch {
		return undefined;
	}
}

/** Throws `not-a-checkpoint` for a device, pipe or folder: no state (/dev/zero or a FIFO would be read for ever). */
function refuseIrregular(fs: CheckpointFileSystem, path: string): void {
	const mode = statMode(fs, path);
	if (mode !== undefined && (mode & S_IFMT) !== S_IFREG)
		throw new CheckpointError({
			code: "not-a-checkpoint",
			path,
			message: `${path} is not a regular file (a device, pipe or folder), so it cannot be a state; give a state file's path.`,
		});
}

function readIfExists(fs: CheckpointFileSystem, path: string): Uint8Array | undefined {
	try {
		refuseIrregular(fs, path);
		return fs.readFileSync(path);
	} catch (error) {
		if (error instanceof CheckpointError) throw error;
		if (errnoOf(error) === "ENOENT") return undefined;
		throw readFailed(path, error);
	}
}

/** Moves `from` aside to `to` (or `to-2`…), when it is there: the name it has now. */
function setAside(fs: CheckpointFileSystem, from: string, to: string): string | undefined {
	if (!fs.existsSync(from)) return undefined;
	const name = uniqueName(fs, to);
	try {
		fs.renameSync(from, name);
	} catch (error) {
		throw writeFailed(from, error);
	}
	return name;
}

/** `name`, or `name-2`, `name-3`…: a rename must never replace an earlier set-aside file. */
function uniqueName(fs: CheckpointFileSystem, name: string): string {
	let candidate = name;
	for (let n = 2; fs.existsSync(candidate); n++) candidate = `${name}-${n}`;
	return candidate;
}

/** A file-name-safe ISO time: `2025-01-31T12-00-00-000Z`. */
function timestamp(now: () => number): string {
	return new Date(now()).toISOString().replace(/[:.]/g, "-");
}

function emptyData(header: CheckpointHeader, at: number): CheckpointData {
	const records = {} as Record<PassName, Map<string, RecordState>>;
	for (const pass of PASSES) records[pass] = new Map();
	return { header, records, counters: zeroCounters(), updatedAt: new Date(at).toISOString() };
}

/** A fingerprint that looks like a hash, so a key passed by mistake is refused, not stored. */
const FINGERPRINT = /^[a-z0-9-]+:[0-9a-f]{8,128}$/;

function checkHeader(header: CheckpointHeader, path: string): CheckpointHeader {
	const refuse = (what: string): never => {
		throw new CheckpointError({
			code: "invalid-header",
			path,
			message: `Refusing to create the checkpoint ${path}: ${what}.`,
		});
	};
	if (typeof header.runId !== "string" || header.runId === "") refuse("the run id is empty");
	if (!FINGERPRINT.test(header.keyFingerprint)) {
		refuse("the key fingerprint is not a hash such as `sha256:…` (the key itself must never be stored)");
	}
	let url: URL | undefined;
	try {
		url = new URL(header.baseUrl);
	} catch {
		refuse("the base URL is not a URL");
	}
	if (url !== undefined && (url.username !== "" || url.password !== "")) {
		refuse("the base URL carries credentials");
	}
	return header;
}

/**
 * A state someone made read-only is not replaced behind their back (a compaction renames a new
 * file over it, which the directory's permissions alone would allow).
 */
function refuseReadOnly(fs: CheckpointFileSystem, path: string): void {
	// Never written through (O_NOFOLLOW): said now, before a request, not as a failed write later.
	let isLink = false;
	try {
		isLink = fs.lstatSync?.(path).isSymbolicLink() ?? false;
	} catch {
		// No file there yet: nothing to refuse.
	}
	if (isLink) {
		throw new CheckpointError({
			code: "link",
			path,
			message: `The checkpoint ${path} is a symbolic link, and a state is never written through one; nothing was sent: pass the file it points to with --checkpoint, or move that file in its place.`,
		});
	}
	let mode: number;
	try {
		mode = fs.statSync?.(path).mode ?? 0o600;
	} catch {
		return;
	}
	if ((mode & 0o222) !== 0) return;
	throw new CheckpointError({
		code: "read-only",
		path,
		message: `The checkpoint ${path} is read-only (mode ${(mode & 0o777).toString(8).padStart(4, "0")}); nothing was sent: make it writable (chmod u+w) to go on with it, or pass another --checkpoint file.`,
	});
}
