/**
 * The checkpoint file, version 3: UTF-8 JSON lines, none of which grows with the records.
 *
 * Line 1 heads the snapshot, with the number of records it holds, their digest, and a link of its
 * own text (journal-chain.ts `headLink`; added within version 3, a line without it is read as before):
 * `{"format":"pivotal-tui-checkpoint","version":3,"updatedAt":ISO,"header":{…},"counters":{…},"records":N,"recordsSha256":HEX,"h":HEX16}`
 * The next N lines are those records, one a line: `{"p":pass,"k":key,"v":state}`.
 * Version 1 (still read) held every record in the first line instead:
 * `…,"records":{"customers":{key:state},…}}`, a line that outgrew what V8 can hold past 1.5M.
 * Every later line is one journal entry applied on top, in order:
 * `{"t":epochMs,"p":pass,"k":key,"v":state}` (a record's new state, which replaces the old one),
 * optionally with `"c":{counter:delta}`; or `{"t":epochMs,"c":{counter:delta}}` alone; each
 * ends with its link in the journal's chain, `"h":HEX16` (journal-chain.ts).
 * A last line without its newline is a write the process was killed in the middle of: ignored.
 * Version 2 (still read) is version 3 without the links, and its digest optional.
 */
import { PASSES, type PassName, type RecordState } from "../../model/records.js";
import { CheckpointError } from "./checkpoint-error.js";

export const CHECKPOINT_FORMAT = "pivotal-tui-checkpoint";
export const CHECKPOINT_VERSION = 3;
/** The version whose journal lines are not chained and whose digest may be missing; still read, never written. */
export const UNCHAINED_VERSION = 2;
/** The version whose snapshot is one line; still read, never written. */
export const SINGLE_LINE_VERSION = 1;
/**
 * The snapshot's member holding the SHA-256 (hex) of its record lines, newlines included: a
 * reader that finds them so takes each line as written (by a writer that checked every state
 * before writing it) and skips parsing it. Added within version 2: readers that know nothing of it
 * ignore it and check every line, as a reader does when the digest differs or is missing.
 */
export const RECORDS_SHA256 = "recordsSha256";
/** What the snapshot's first line holds in its place until the record lines are written. */
export const DIGEST_PLACEHOLDER = "0".repeat(64);

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

/** Counters that number the runs of an import: started, and finished (completed). */
export const RUNS = "runs";
export const RUNS_FINISHED = "runsFinished";

/** No run of the import is under way or was cut short: the last one finished, or none started. */
export function isAtRest(counters: Readonly<Record<string, number>>): boolean {
	return (counters[RUNS] ?? 0) === (counters[RUNS_FINISHED] ?? 0);
}

export function zeroCounters(): Record<string, number> & CheckpointCounters {
	return { requests: 0, rateLimited: 0, retries: 0, created: 0, existed: 0, failed: 0 };
}

export const PASS_SET: ReadonlySet<string> = new Set(PASSES);

export function isObject(value: unknown): value is Record<string, unknown> {
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
const isOptionalValues = (value: unknown): boolean =>
	value === undefined || (Array.isArray(value) && value.every(isObject));

export function isRecordState(value: unknown): value is RecordState {
	if (!isObject(value)) return false;
	switch (value.s) {
		case "sent":
			return (
				isCount(value.attempts) &&
				isOptionalCount(value.g) &&
				isOptionalCount(value.t) &&
				isOptionalCount(value.ts) &&
				isOptionalIds(value.ids) &&
				isOptionalValues(value.sv) &&
				isOptionalCount(value.kr) &&
				isOptionalCopy(value.was) &&
				isOptionalCount(value.del) &&
				isOptionalCount(value.un)
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
				isOptionalIds(value.ids) &&
				isOptionalValues(value.sv) &&
				isOptionalCount(value.g) &&
				isOptionalCount(value.t) &&
				isOptionalCount(value.ts) &&
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

/** A create's CRM ids, as the in-doubt mark keeps them: names are field names, values text. */
function isOptionalIds(value: unknown): boolean {
	return (
		value === undefined ||
		(isObject(value) &&
			Object.entries(value).every(([name, id]) => FIELD_NAME.test(name) && typeof id === "string"))
	);
}

const FIELD_NAME = /^[a-z][a-z0-9_]*$/;

/** Counter names are identifiers, so none can be `__proto__` and reach an object's prototype. */
export const COUNTER_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

export function isCounterDelta(value: unknown): value is Record<string, number> {
	return (
		isObject(value) &&
		Object.entries(value).every(
			([name, n]) => COUNTER_NAME.test(name) && typeof n === "number" && Number.isFinite(n),
		)
	);
}

export function isHeader(value: unknown): value is CheckpointHeader {
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
export function optionalHeader(header: Record<string, unknown>): Partial<CheckpointHeader> {
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

export function notACheckpoint(path: string): never {
	throw new CheckpointError({
		code: "not-a-checkpoint",
		path,
		message: `${path} is not a pivotal-tui checkpoint; pass another --checkpoint file, or move it away.`,
	});
}
