/**
 * The checkpoint file, version 1: UTF-8 JSON lines.
 *
 * Line 1 is a snapshot:
 * `{"format":"pivotal-tui-checkpoint","version":1,"updatedAt":ISO,"header":{…},"counters":{…},"records":{"customers":{key:state},…}}`
 * Every later line is one journal entry applied on top, in order:
 * `{"t":epochMs,"p":pass,"k":key,"v":state}` (a record's new state, which replaces the old one),
 * optionally with `"c":{counter:delta}`; or `{"t":epochMs,"c":{counter:delta}}` alone.
 * A last line without its newline is a write the process was killed in the middle of: ignored.
 */
import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { CheckpointError } from "./checkpoint-error.js";

export const CHECKPOINT_FORMAT = "pivotal-tui-checkpoint";
export const CHECKPOINT_VERSION = 1;

export interface SourceFingerprint {
	readonly path: string;
	readonly sha256: string;
	readonly rows: number;
}

export interface CheckpointHeader {
	/** Random, created once per import; part of every idempotency key. */
	readonly runId: string;
	/** ISO time the import was first started. */
	readonly createdAt: string;
	/** A hash of the API key (`sha256:…`), never the key. */
	readonly keyFingerprint: string;
	readonly baseUrl: string;
	readonly sources: Readonly<Record<PassName, SourceFingerprint | undefined>>;
	/** The workspace the first key belongs to (`GET /me`): a key of another one is refused at once. */
	readonly workspace?: { readonly id: string; readonly name: string };
	/** Fingerprints of the map sections the files were first read through, per pass. */
	readonly maps?: Readonly<Record<string, string>>;
	/** Fingerprints of every key the import ran with. */
	readonly keyFingerprints?: readonly string[];
}

/** Request counters, summed over every run of the import. Other names may be added freely. */
export interface CheckpointCounters {
	readonly requests: number;
	readonly rateLimited: number;
	readonly retries: number;
	readonly created: number;
	readonly existed: number;
	readonly failed: number;
	readonly [name: string]: number;
}

/** A checkpoint as loaded: the snapshot with every journal line applied. */
export interface CheckpointData {
	readonly header: CheckpointHeader;
	readonly records: Readonly<Record<PassName, ReadonlyMap<string, RecordState>>>;
	readonly counters: CheckpointCounters;
	/** ISO time of the last update written. */
	readonly updatedAt: string;
}

export function zeroCounters(): Record<string, number> & CheckpointCounters {
	return { requests: 0, rateLimited: 0, retries: 0, created: 0, existed: 0, failed: 0 };
}

/** The snapshot line, newline included. */
export function serializeSnapshot(data: CheckpointData): string {
	// Object.fromEntries defines own properties, so a record key such as `__proto__` survives.
	const records = Object.fromEntries(PASSES.map((pass) => [pass, Object.fromEntries(data.records[pass])]));
	return `${JSON.stringify({
		format: CHECKPOINT_FORMAT,
		version: CHECKPOINT_VERSION,
		updatedAt: data.updatedAt,
		header: data.header,
		counters: data.counters,
		records,
	})}\n`;
}

const PASS_SET: ReadonlySet<string> = new Set(PASSES);

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
	return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function isCopy(value: unknown): boolean {
	if (!isObject(value)) return false;
	return (
		(value.outcome === "created" || value.outcome === "existed") &&
		typeof value.id === "string" &&
		(value.v === undefined || isObject(value.v)) &&
		(value.ch === undefined || Array.isArray(value.ch)) &&
		(value.g === undefined || isCount(value.g))
	);
}

const isOptionalCopy = (value: unknown): boolean => value === undefined || isCopy(value);
const isOptionalCount = (value: unknown): boolean => value === undefined || isCount(value);

export function isRecordState(value: unknown): value is RecordState {
	if (!isObject(value)) return false;
	switch (value.s) {
		case "sent":
			return (
				isCount(value.attempts) &&
				isOptionalCount(value.g) &&
				isOptionalCopy(value.was) &&
				isOptionalCount(value.del)
			);
		case "done":
			return isCopy(value) && isCount(value.attempts);
		case "failed":
			return (
				(value.status === null || typeof value.status === "number") &&
				typeof value.code === "string" &&
				typeof value.message === "string" &&
				(value.field === undefined || typeof value.field === "string") &&
				isCount(value.attempts) &&
				typeof value.retryable === "boolean" &&
				(value.b === undefined || typeof value.b === "string") &&
				isOptionalCount(value.g) &&
				isOptionalCopy(value.was)
			);
		case "blocked":
			return typeof value.parentKey === "string" && isOptionalCopy(value.was);
		case "removed":
			return (
				(value.why === "undone" || value.why === "gone" || value.why === "deleted") &&
				typeof value.id === "string" &&
				isCount(value.g) &&
				isOptionalCopy(value.was) &&
				isOptionalCount(value.run) &&
				(value.p === undefined || typeof value.p === "string")
			);
		default:
			return false;
	}
}

/** Counter names are identifiers, so none can be `__proto__` and reach an object's prototype. */
export const COUNTER_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

function isCounterDelta(value: unknown): value is Record<string, number> {
	return (
		isObject(value) &&
		Object.entries(value).every(
			([name, n]) => COUNTER_NAME.test(name) && typeof n === "number" && Number.isFinite(n),
		)
	);
}

function isHeader(value: unknown): value is CheckpointHeader {
	return (
		isObject(value) &&
		typeof value.runId === "string" &&
		typeof value.createdAt === "string" &&
		typeof value.keyFingerprint === "string" &&
		typeof value.baseUrl === "string" &&
		isObject(value.sources) &&
		Object.values(value.sources).every(
			(s) =>
				s === null ||
				(isObject(s) && typeof s.path === "string" && typeof s.sha256 === "string" && isCount(s.rows)),
		)
	);
}

/** The header fields later versions added, kept when well formed (a malformed one is dropped, not fatal). */
function optionalHeader(header: Record<string, unknown>): Partial<CheckpointHeader> {
	const extra: { -readonly [K in keyof CheckpointHeader]?: CheckpointHeader[K] } = {};
	const workspace = header.workspace;
	if (isObject(workspace) && typeof workspace.id === "string" && typeof workspace.name === "string") {
		extra.workspace = { id: workspace.id, name: workspace.name };
	}
	if (isObject(header.maps) && Object.values(header.maps).every((v) => typeof v === "string")) {
		extra.maps = header.maps as Record<string, string>;
	}
	if (Array.isArray(header.keyFingerprints) && header.keyFingerprints.every((v) => typeof v === "string")) {
		extra.keyFingerprints = header.keyFingerprints as string[];
	}
	return extra;
}

class Corrupt extends Error {}

function corrupt(detail: string): never {
	throw new Corrupt(detail);
}

/** The `header.runId` of a snapshot line, if that much of it parses: to match a backup to its file. */
export function peekRunId(bytes: Uint8Array): string | undefined {
	try {
		const end = bytes.indexOf(0x0a);
		const snapshot: unknown = JSON.parse(
			Buffer.from(bytes.subarray(0, end < 0 ? undefined : end)).toString(),
		);
		if (isObject(snapshot) && isObject(snapshot.header) && typeof snapshot.header.runId === "string") {
			return snapshot.header.runId;
		}
	} catch {
		// Unreadable snapshot: no run id to compare.
	}
	return undefined;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a checkpoint file. Throws `CheckpointError` (`corrupt`, `not-a-checkpoint`,
 * `unsupported-version`) naming `path`; the message of a `corrupt` error is completed by the
 * caller, which knows whether a backup exists.
 */
export function parseCheckpoint(bytes: Uint8Array, path: string): CheckpointData {
	let line = 1;
	try {
		// Only complete lines are decoded: a torn last line may end inside a multi-byte character.
		const lastNewline = bytes.lastIndexOf(0x0a);
		let text: string;
		try {
			text = UTF8.decode(lastNewline < 0 ? bytes : bytes.subarray(0, lastNewline + 1));
		} catch {
			corrupt("the file is not valid UTF-8");
		}
		const firstEnd = text.indexOf("\n");
		const first = text.slice(0, firstEnd < 0 ? undefined : firstEnd);
		if (first.trim() === "") corrupt("the file is empty");
		let snapshot: unknown;
		try {
			snapshot = JSON.parse(first);
		} catch {
			if (!first.trimStart().startsWith("{")) notACheckpoint(path);
			corrupt("the snapshot is not valid JSON");
		}
		if (!isObject(snapshot) || snapshot.format !== CHECKPOINT_FORMAT) notACheckpoint(path);
		if (snapshot.version !== CHECKPOINT_VERSION) {
			throw new CheckpointError({
				code: "unsupported-version",
				path,
				message: `The checkpoint ${path} has schema version ${JSON.stringify(snapshot.version)}, which this pivotal-tui (version ${CHECKPOINT_VERSION}) cannot read; upgrade pivotal-tui, or run with --fresh to set it aside and start over.`,
			});
		}
		const { header, counters, records, updatedAt } = snapshot;
		if (!isHeader(header)) corrupt("the header is incomplete");
		if (!isCounterDelta(counters)) corrupt("the counters are not numbers");
		if (!isObject(records)) corrupt("the records are missing");
		const maps = {} as Record<PassName, Map<string, RecordState>>;
		for (const pass of PASSES) {
			const map = new Map<string, RecordState>();
			const stored = records[pass] ?? {};
			if (!isObject(stored)) corrupt(`the ${pass} records are not an object`);
			for (const [key, state] of Object.entries(stored)) {
				if (!isRecordState(state)) corrupt(`the ${pass} record ${JSON.stringify(key)} is malformed`);
				map.set(key, state);
			}
			maps[pass] = map;
		}
		const sums: Record<string, number> = { ...zeroCounters(), ...counters };
		let lastTime = typeof updatedAt === "string" ? Date.parse(updatedAt) : Number.NaN;

		// The journal. `lastNewline` bounds it: whatever follows was torn by a kill mid-write.
		let start = firstEnd < 0 ? text.length : firstEnd + 1;
		while (start < text.length) {
			line++;
			const end = text.indexOf("\n", start);
			const raw = text.slice(start, end);
			start = end + 1;
			if (raw.trim() === "") continue;
			let entry: unknown;
			try {
				entry = JSON.parse(raw);
			} catch {
				corrupt("a journal line is not valid JSON");
			}
			if (!isObject(entry)) corrupt("a journal line is not an object");
			if (entry.p !== undefined) {
				if (typeof entry.p !== "string" || !PASS_SET.has(entry.p)) corrupt("unknown pass");
				if (typeof entry.k !== "string") corrupt("the record key is missing");
				if (!isRecordState(entry.v)) corrupt("the record state is malformed");
				maps[entry.p as PassName].set(entry.k, entry.v);
			} else if (entry.c === undefined) {
				corrupt("a journal line holds neither a record nor counters");
			}
			if (entry.c !== undefined) {
				if (!isCounterDelta(entry.c)) corrupt("the counters are not numbers");
				for (const [name, delta] of Object.entries(entry.c)) sums[name] = (sums[name] ?? 0) + delta;
			}
			if (typeof entry.t === "number") lastTime = entry.t;
		}
		const sources = header.sources as Record<string, SourceFingerprint | null | undefined>;
		return {
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
			updatedAt: new Date(Number.isFinite(lastTime) ? lastTime : 0).toISOString(),
		};
	} catch (error) {
		if (error instanceof Corrupt) {
			throw new CheckpointError({ code: "corrupt", path, line, message: error.message });
		}
		throw error;
	}
}

function notACheckpoint(path: string): never {
	throw new CheckpointError({
		code: "not-a-checkpoint",
		path,
		message: `${path} is not a pivotal-tui checkpoint; pass another --checkpoint file, or move it away.`,
	});
}
