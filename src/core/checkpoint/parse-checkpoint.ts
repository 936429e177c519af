/**
 * Reads a checkpoint a line at a time (the format is in checkpoint-format.ts): versions 3 and 2,
 * whose snapshot is one line per record (3 with a chained journal, parse-journal.ts), and
 * version 1, whose snapshot is one line. Each record is validated and kept as its JSON text
 * (state-map.ts).
 */

import { createHash } from "node:crypto";
import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { CheckpointError } from "./checkpoint-error.js";
import {
	CHECKPOINT_FORMAT,
	CHECKPOINT_VERSION,
	type CheckpointCounters,
	type CheckpointData,
	type CheckpointHeader,
	DIGEST_PLACEHOLDER,
	isCounterDelta,
	isHeader,
	isObject,
	isRecordState,
	notACheckpoint,
	optionalHeader,
	PASS_SET,
	RECORDS_SHA256,
	SINGLE_LINE_VERSION,
	type SourceFingerprint,
	UNCHAINED_VERSION,
	zeroCounters,
} from "./checkpoint-format.js";
import { linesOfBytes } from "./checkpoint-lines.js";
import { DigestMismatch, takeDoneLine } from "./fast-lines.js";
import { chainSeed, HEAD_LINK, isHeadIntact } from "./journal-chain.js";
import { LineHash } from "./line-hash.js";
import { readJournal } from "./parse-journal.js";
import { StateMap } from "./state-map.js";

/** A checkpoint as read, with what the store needs to know of the file's shape. */
export interface ParsedCheckpoint {
	readonly data: CheckpointData & { readonly records: Readonly<Record<PassName, StateMap>> };
	/** Records in the snapshot, and journal lines after it. */
	readonly snapshotRecords: number;
	readonly journalLines: number;
	/** The journal's last link (journal-chain.ts), where the next line chains on; undefined before version 3. */
	readonly chainLink: string | undefined;
	/** Written in the current version: only a journal would make a compaction worth its cost. */
	readonly isCurrentVersion: boolean;
}

class Corrupt extends Error {}

export function corrupt(detail: string): never {
	throw new Corrupt(detail);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function decode(bytes: Uint8Array): string {
	try {
		return UTF8.decode(bytes);
	} catch {
		corrupt("the file is not valid UTF-8");
	}
}

/**
 * The JSON text of a record line's state: cut out of the line when the line is as this program
 * writes it (no second serialisation), else written anew.
 */
function stateText(raw: string, bytes: Uint8Array, head: string, state: RecordState): Uint8Array | string {
	return raw.length > head.length + 1 && raw.startsWith(head) && raw.endsWith("}")
		? bytes.subarray(Buffer.byteLength(head), bytes.length - 1)
		: JSON.stringify(state);
}

/** The start of a snapshot's line for one record, up to its state; `}` and a newline end it. */
export function recordLineHead(pass: PassName, key: string): string {
	return `{"p":"${pass}","k":${JSON.stringify(key)},"v":`;
}

/** What the first line says, checked: how the records and the journal after it are read. */
export interface SnapshotHead {
	readonly snapshot: Record<string, unknown>;
	readonly header: CheckpointHeader;
	readonly counters: Record<string, number>;
	/** The journal's first link (version 3). */
	readonly seed: string | undefined;
	/** Records in the snapshot, one line each (versions 2 and 3). */
	readonly records: number;
	/** The digest of the record lines, when it is to be proven while they are taken unparsed. */
	readonly trustedDigest: string | undefined;
}

/** Checks the first line (its text and bytes); throws what `parseCheckpointLines` throws of it. */
export function readSnapshotHead(
	first: string,
	firstBytes: Uint8Array,
	path: string,
	trustDigest: boolean,
): SnapshotHead {
	if (first.trim() === "") corrupt("the file is empty");
	let snapshot: unknown;
	try {
		snapshot = JSON.parse(first);
	} catch {
		if (!first.trimStart().startsWith("{")) notACheckpoint(path);
		corrupt("the snapshot is not valid JSON");
	}
	if (!isObject(snapshot) || snapshot.format !== CHECKPOINT_FORMAT) notACheckpoint(path);
	if (
		snapshot.version !== CHECKPOINT_VERSION &&
		snapshot.version !== UNCHAINED_VERSION &&
		snapshot.version !== SINGLE_LINE_VERSION
	) {
		throw new CheckpointError({
			code: "unsupported-version",
			path,
			message: `The checkpoint ${path} has schema version ${JSON.stringify(snapshot.version)}, which this pivotal-tui (version ${CHECKPOINT_VERSION}) cannot read; upgrade pivotal-tui, or run with --fresh to set it aside and start over.`,
			withoutFresh: `The checkpoint ${path} has schema version ${JSON.stringify(snapshot.version)}, which this pivotal-tui (version ${CHECKPOINT_VERSION}) cannot read; upgrade pivotal-tui to use it.`,
		});
	}
	const { header, counters, records } = snapshot;
	// The journal's first link, from the first line's bytes.
	const seed = snapshot.version === CHECKPOINT_VERSION ? chainSeed(firstBytes) : undefined;
	if (!isHeader(header)) corrupt("the header is incomplete");
	if (!isCounterDelta(counters)) corrupt("the counters are not numbers");
	if (snapshot.version === SINGLE_LINE_VERSION)
		return { snapshot, header, counters, seed, records: 0, trustedDigest: undefined };
	if (typeof records !== "number" || !Number.isInteger(records) || records < 0)
		corrupt("the snapshot does not say how many records it holds");
	// Lines as written, taken unparsed while their digest is proven (fast-lines.ts).
	const digest = snapshot[RECORDS_SHA256];
	// Version 3 always holds it: without it, its records and journal would be taken unproven.
	if (
		snapshot.version === CHECKPOINT_VERSION &&
		(typeof digest !== "string" || !SHA256_HEX.test(digest) || digest === DIGEST_PLACEHOLDER)
	)
		corrupt("the snapshot's first line lacks the digest of its records, which its version always holds");
	// Its run id, counters and header: proven by its own link (a journal's chain proves
	// them too, but a compacted state has none). Without the member: written before it.
	if (snapshot.version === CHECKPOINT_VERSION && Object.hasOwn(snapshot, HEAD_LINK) && !isHeadIntact(first))
		corrupt(
			"the snapshot's first line is not the one written: it does not match the link it ends with, so its run id, counters or header were edited or damaged",
		);
	const trustedDigest =
		trustDigest && typeof digest === "string" && SHA256_HEX.test(digest) && digest !== DIGEST_PLACEHOLDER
			? digest
			: undefined;
	return { snapshot, header, counters, seed, records, trustedDigest };
}

/** Refuses a second line of one key: a snapshot holds each record once. */
export function twice(pass: PassName, key: string): never {
	return corrupt(`the snapshot holds the ${pass} record ${JSON.stringify(key)} twice`);
}

/**
 * Takes a record line parsed and checked in full: its state kept as the line's bytes when the
 * line is as written here, else written anew; as a string outside the arena when `inArena` is
 * false (a thread fills the arena, load-thread.ts).
 */
export function takeParsedLine(
	raw: string,
	bytes: Uint8Array,
	maps: Record<PassName, StateMap>,
	inArena = true,
): void {
	let entry: unknown;
	try {
		entry = JSON.parse(raw);
	} catch {
		corrupt("the snapshot has a line that is not valid JSON");
	}
	if (!isObject(entry)) corrupt("the snapshot has a line that is not an object");
	const { p, k, v } = entry;
	if (typeof p !== "string" || !PASS_SET.has(p)) corrupt("the snapshot names an unknown pass");
	if (typeof k !== "string") corrupt("the snapshot has a record without its key");
	if (!isRecordState(v)) corrupt("the snapshot has a malformed record state");
	// A snapshot holds each record once (the journal, not the snapshot, repeats keys): a
	// second line of one key is an edit or a splice, and the count it keeps hides a lost line.
	const map = maps[p as PassName];
	if (map.has(k)) twice(p as PassName, k);
	const text = stateText(raw, bytes, recordLineHead(p as PassName, k), v);
	if (inArena) map.load(k, v, text);
	else map.loadString(k, v, text);
}

/** Empty maps, one per pass. */
export function emptyMaps(): Record<PassName, StateMap> {
	const maps = {} as Record<PassName, StateMap>;
	for (const pass of PASSES) maps[pass] = new StateMap();
	return maps;
}

/** The journal read after the snapshot's records (`next()` gives its lines), and all put together. */
export function finishCheckpoint(
	head: SnapshotHead,
	maps: Record<PassName, StateMap>,
	snapshotRecords: number,
	next: () => string | undefined,
): ParsedCheckpoint {
	const { snapshot, header, counters } = head;
	const { updatedAt } = snapshot;
	const sums: Record<string, number> = { ...zeroCounters(), ...counters };
	const lastTime = typeof updatedAt === "string" ? Date.parse(updatedAt) : Number.NaN;
	// The journal: complete lines only (whatever follows the last newline was torn by a kill).
	const journal = readJournal(next, maps, sums, lastTime, head.seed, corrupt);
	const sources = header.sources as Record<string, SourceFingerprint | null | undefined>;
	return {
		data: {
			header: {
				runId: header.runId,
				createdAt: header.createdAt,
				keyFingerprint: header.keyFingerprint,
				baseUrl: header.baseUrl,
				sources: {
					customers: sources.customers ?? undefined,
					contacts: sources.contacts ?? undefined,
					onboardings: sources.onboardings ?? undefined,
				},
				...optionalHeader(header as unknown as Record<string, unknown>),
			},
			records: maps,
			counters: sums as CheckpointCounters,
			updatedAt: new Date(Number.isFinite(journal.lastTime) ? journal.lastTime : 0).toISOString(),
		},
		snapshotRecords,
		journalLines: journal.lines,
		chainLink: journal.link,
		isCurrentVersion: snapshot.version === CHECKPOINT_VERSION,
	};
}

/** A damaged line's `Corrupt` as the `CheckpointError` naming it (`line`); others as they are. */
export function asCheckpointError(error: unknown, path: string, line: number): unknown {
	return error instanceof Corrupt
		? new CheckpointError({ code: "corrupt", path, line: Math.max(line, 1), message: error.message })
		: error;
}

/**
 * Parses a checkpoint from its lines (checkpoint-lines.ts). Throws `CheckpointError` (`corrupt`,
 * `not-a-checkpoint`, `unsupported-version`) naming `path`; the message of a `corrupt` error is
 * completed by the caller, which knows whether a backup exists.
 */
export function parseCheckpointLines(
	lines: Iterable<Uint8Array>,
	path: string,
	trustDigest = false,
): ParsedCheckpoint {
	let line = 0;
	try {
		const iterator = lines[Symbol.iterator]();
		// The bytes of the line `next()` returned last: a record's state is kept as its bytes.
		let bytes: Uint8Array = new Uint8Array(0);
		const nextBytes = (): Uint8Array | undefined => {
			const result = iterator.next();
			if (result.done) return undefined;
			line++;
			bytes = result.value;
			return bytes;
		};
		const next = (): string | undefined => {
			const read = nextBytes();
			return read === undefined ? undefined : decode(read);
		};
		const first = next() ?? "";
		line = 1;
		// The seed is taken from the first line's bytes before the next line reuses them.
		const head = readSnapshotHead(first, bytes, path, trustDigest);
		const maps = emptyMaps();
		let snapshotRecords = 0;
		if (head.snapshot.version === SINGLE_LINE_VERSION) {
			const { records } = head.snapshot;
			if (!isObject(records)) corrupt("the records are missing");
			for (const pass of PASSES) {
				const stored = records[pass] ?? {};
				if (!isObject(stored)) corrupt(`the ${pass} records are not an object`);
				for (const [key, state] of Object.entries(stored)) {
					if (!isRecordState(state)) corrupt(`the ${pass} record ${JSON.stringify(key)} is malformed`);
					maps[pass].set(key, state);
					snapshotRecords++;
				}
			}
		} else {
			const digest = head.trustedDigest;
			const hash = digest === undefined ? undefined : createHash("sha256");
			const lines = hash === undefined ? undefined : new LineHash(hash);
			for (; snapshotRecords < head.records; snapshotRecords++) {
				if (hash !== undefined) {
					const read = nextBytes();
					if (read === undefined) throw new DigestMismatch();
					lines?.add(read);
					if (takeDoneLine(read, maps, twice)) continue;
				}
				const raw = hash === undefined ? next() : decode(bytes);
				// The snapshot is renamed into place whole: fewer lines is a file cut short since.
				if (raw === undefined)
					corrupt(`the snapshot ends after ${snapshotRecords} of its ${head.records} records`);
				takeParsedLine(raw, bytes, maps);
			}
			lines?.end();
			if (hash !== undefined && hash.digest("hex") !== digest) throw new DigestMismatch();
		}
		return finishCheckpoint(head, maps, snapshotRecords, next);
	} catch (error) {
		throw asCheckpointError(error, path, line);
	}
}

/** `parseCheckpointLines` over a whole file's bytes. */
export function parseCheckpoint(bytes: Uint8Array, path: string): CheckpointData {
	return parseCheckpointLines(linesOfBytes(bytes), path).data;
}
