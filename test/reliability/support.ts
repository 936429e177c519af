/**
 * Shared pieces of the reliability suite: an engine start with short client timeouts, an audit of
 * the simulator's state against the source files (duplicates and lost records), and the fault
 * matrix each case adds a row to.
 */
import * as nodeFs from "node:fs";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { createClient, type TimeoutOptions } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { CheckpointFileSystem } from "../../src/core/checkpoint/index.js";
import { type StartOptions, startImport } from "../../src/core/engine.js";
import type { ImportEvent } from "../../src/core/events.js";
import type { ImportPlan, ImportRun, ImportSummary, SourceFiles } from "../../src/core/run-types.js";
import type { PassName, SourceRecord } from "../../src/model/records.js";
import type { Simulator } from "../../src/sim/index.js";
import { readRecords } from "../../src/source/index.js";
import { TEST_KEY } from "../support/import-harness.js";

export interface Started {
	readonly run: ImportRun;
	readonly events: ImportEvent[];
	/** Resolves with the summary once the run ended and its checkpoint and client are closed. */
	finish(): Promise<ImportSummary>;
	/** Close the checkpoint (a failing one may refuse: ignored) and the client. */
	close(): Promise<void>;
}

export interface StartExtras {
	readonly plan?: Partial<ImportPlan>;
	readonly options?: StartOptions;
	readonly key?: string;
	/** @default { headersMs: 2000, bodyMs: 2000 } */
	readonly timeouts?: TimeoutOptions;
	readonly checkpointFs?: CheckpointFileSystem;
	readonly random?: () => number;
	/** Called with the run before it can emit anything the caller might miss. */
	readonly onEvent?: (event: ImportEvent, run: ImportRun, events: readonly ImportEvent[]) => void;
}

/** The real engine over loopback HTTP, with small backoffs so a case takes seconds. */
export function start(sim: Simulator, files: SourceFiles, extras: StartExtras = {}): Started {
	const key = extras.key ?? TEST_KEY;
	const client = createClient({
		baseUrl: sim.baseUrl,
		apiKey: key,
		timeouts: extras.timeouts ?? { headersMs: 2_000, bodyMs: 2_000 },
	});
	const run = startImport(
		{
			files,
			keyFingerprint: keyFingerprint(key),
			baseUrl: sim.baseUrl,
			concurrency: 6,
			...extras.plan,
		},
		{
			client,
			...(extras.checkpointFs ? { checkpointFs: extras.checkpointFs } : {}),
			...(extras.random ? { random: extras.random } : {}),
		},
		{ backoffBaseMs: 20, backoffCapMs: 200, ...extras.options },
	);
	const events: ImportEvent[] = [];
	run.subscribe((event) => {
		events.push(event);
		extras.onEvent?.(event, run, events);
	});
	const close = async () => {
		// A checkpoint that cannot be written may refuse its last compaction too: the run is over anyway.
		await run.close().catch(() => undefined);
		await client.close();
	};
	const finish = async () => {
		try {
			return await run.done;
		} finally {
			await close();
		}
	};
	return { run, events, finish, close };
}

/** Run, and resume as long as the run stops resumably, up to `maxRuns` runs. */
export async function runUntilComplete(
	sim: Simulator,
	files: SourceFiles,
	extras: StartExtras = {},
	maxRuns = 4,
): Promise<{ summary: ImportSummary; runs: number }> {
	let summary = await start(sim, files, extras).finish();
	let runs = 1;
	while (summary.outcome !== "completed" && runs < maxRuns) {
		summary = await start(sim, files, extras).finish();
		runs += 1;
	}
	return { summary, runs };
}

async function collect(file: string, pass: PassName): Promise<SourceRecord[]> {
	const records: SourceRecord[] = [];
	for await (const record of readRecords(file, pass)) records.push(record);
	return records;
}

export async function sourceRecords(files: SourceFiles): Promise<Record<PassName, SourceRecord[]>> {
	return {
		customers: await collect(files.customers, "customers"),
		contacts: files.contacts ? await collect(files.contacts, "contacts") : [],
		onboardings: files.onboardings ? await collect(files.onboardings, "onboardings") : [],
	};
}

export interface Audit {
	/** Source records of every pass. */
	readonly records: number;
	/** Extra creations the simulator counted (0 = nothing created twice). */
	readonly duplicates: number;
	/** Source records with no live object in the simulator. */
	readonly lost: number;
	/** The first few lost records, `pass:key`, for the assertion message. */
	readonly missing: readonly string[];
}

/** Compare the simulator's objects with the source files, record by record. */
export async function audit(sim: Simulator, files: SourceFiles): Promise<Audit> {
	const source = await sourceRecords(files);
	const state = sim.state();
	const customerIds = new Map<string, string>();
	for (const c of state.customers) {
		const externalId = (c.metadata as Record<string, unknown> | undefined)?.external_id;
		if (!c.deleted && typeof externalId === "string") customerIds.set(externalId, String(c.id));
	}
	const contacts = new Set(
		state.contacts.filter((c) => !c.deleted).map((c) => `${c.customer_id}\n${String(c.email).toLowerCase()}`),
	);
	const onboardings = new Set(
		state.onboardings.filter((o) => !o.deleted).map((o) => `${o.customer_id}\n${String(o.name)}`),
	);
	const missing: string[] = [];
	for (const r of source.customers) if (!customerIds.has(r.key)) missing.push(`customers:${r.key}`);
	for (const r of source.contacts) {
		const id = customerIds.get(r.parentKey ?? "");
		if (!contacts.has(`${id}\n${String(r.body.email).toLowerCase()}`)) missing.push(`contacts:${r.key}`);
	}
	for (const r of source.onboardings) {
		const id = customerIds.get(r.parentKey ?? "");
		if (!onboardings.has(`${id}\n${String(r.body.name)}`)) missing.push(`onboardings:${r.key}`);
	}
	return {
		records: source.customers.length + source.contacts.length + source.onboardings.length,
		duplicates: sim.duplicates().total,
		lost: missing.length,
		missing: missing.slice(0, 10),
	};
}

/**
 * Every source field the simulator holds otherwise than the files say, as `pass:key field`, and
 * every source record with no live object: empty when Pivotal is exactly what the files describe.
 * Customers' metadata is compared key by key (keys set in Pivotal alone are not the files' business).
 */
export async function mismatches(sim: Simulator, files: SourceFiles): Promise<string[]> {
	const source = await sourceRecords(files);
	const state = sim.state();
	const live = (rows: Array<Record<string, unknown>>) => rows.filter((r) => !r.deleted);
	const customers = new Map<string, Record<string, unknown>>();
	for (const c of live(state.customers)) {
		const externalId = (c.metadata as Record<string, unknown> | undefined)?.external_id;
		if (typeof externalId === "string") customers.set(externalId, c);
	}
	const contacts = new Map(
		live(state.contacts).map((c) => [`${c.customer_id}\n${String(c.email).toLowerCase()}`, c]),
	);
	const onboardings = new Map(live(state.onboardings).map((o) => [`${o.customer_id}\n${String(o.name)}`, o]));
	const out: string[] = [];
	const compare = (record: SourceRecord, server: Record<string, unknown> | undefined) => {
		const name = `${record.pass}:${record.key}`;
		if (server === undefined) {
			out.push(`${name} (missing)`);
			return;
		}
		for (const [field, value] of Object.entries(record.body)) {
			if (field === "metadata") {
				const theirs = (server.metadata ?? {}) as Record<string, unknown>;
				for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
					if (!isDeepStrictEqual(theirs[key], v)) out.push(`${name} metadata.${key}`);
				}
			} else if (!sameValue(field, value, server[field])) {
				out.push(`${name} ${field}: ${JSON.stringify(server[field])} ≠ ${JSON.stringify(value)}`);
			}
		}
	};
	const idOf = (key: string | undefined) => customers.get(key ?? "")?.id;
	for (const r of source.customers) compare(r, customers.get(r.key));
	for (const r of source.contacts)
		compare(r, contacts.get(`${idOf(r.parentKey)}\n${String(r.body.email).toLowerCase()}`));
	for (const r of source.onboardings)
		compare(r, onboardings.get(`${idOf(r.parentKey)}\n${String(r.body.name)}`));
	return out;
}

/** The server's way of writing a value: e-mails lower-cased, a launch date as a full timestamp. */
function sameValue(field: string, file: unknown, server: unknown): boolean {
	if (field === "email") return String(server) === String(file).toLowerCase();
	if (field === "target_launch_date") return String(server).startsWith(String(file));
	return isDeepStrictEqual(server, file);
}

export interface MatrixRow {
	readonly case: string;
	readonly runs: number;
	readonly records: number;
	readonly duplicates: number;
	readonly lost: number;
}

const MATRIX_FILE = join(process.cwd(), "dist", "reliability-matrix.ndjson");

/**
 * Audit the simulator, add the case to the matrix (printed by `printMatrix`, and appended to
 * dist/reliability-matrix.ndjson so one table can be built across test files), and return the audit.
 */
export async function recordCase(name: string, runs: number, sim: Simulator, files: SourceFiles) {
	const result = await audit(sim, files);
	recordRow({ case: name, runs, records: result.records, duplicates: result.duplicates, lost: result.lost });
	return result;
}

/** Add a row the caller audited itself (an undo counts what it left behind as lost). */
export function recordRow(row: MatrixRow): void {
	rows.push(row);
	try {
		mkdirSync(join(process.cwd(), "dist"), { recursive: true });
		appendFileSync(MATRIX_FILE, `${JSON.stringify(row)}\n`);
	} catch {
		// The table in the test output is enough.
	}
}

const rows: MatrixRow[] = [];

export function matrixTable(list: readonly MatrixRow[] = rows): string {
	const lines = ["| case | runs | records | duplicates | lost |", "|---|---:|---:|---:|---:|"];
	for (const r of list) lines.push(`| ${r.case} | ${r.runs} | ${r.records} | ${r.duplicates} | ${r.lost} |`);
	return lines.join("\n");
}

/** For `afterAll`: the rows this file recorded, as a Markdown table. */
export function printMatrix(): void {
	if (rows.length > 0) console.log(`\n${matrixTable()}\n`);
}

/** Resolve when `predicate` holds for an event of the run (checked on every event from now on). */
export function when(run: ImportRun, predicate: (event: ImportEvent) => boolean): Promise<ImportEvent> {
	return new Promise((resolve) => {
		const off = run.subscribe((event) => {
			if (predicate(event)) {
				off();
				resolve(event);
			}
		});
	});
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const count = (events: readonly ImportEvent[], type: ImportEvent["type"]) =>
	events.filter((e) => e.type === type).length;

/** node:fs, except that once `errno` is set every write (and every open for writing) fails with it. */
export function failingFs(): CheckpointFileSystem & { errno: string | undefined } {
	const fail = (what: string) => {
		throw Object.assign(new Error(`${what}: simulated ${failing.errno}`), { code: failing.errno });
	};
	const failing = {
		errno: undefined as string | undefined,
		openSync: (path: string, flags: string) => {
			if (failing.errno && flags !== "r") fail(`open ${path}`);
			return nodeFs.openSync(path, flags);
		},
		writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => {
			if (failing.errno) fail("write");
			return nodeFs.writeSync(fd, buffer, offset, length, position);
		},
		fsyncSync: (fd: number) => nodeFs.fsyncSync(fd),
		ftruncateSync: (fd: number, length: number) => {
			if (failing.errno === "EROFS") fail("ftruncate");
			nodeFs.ftruncateSync(fd, length);
		},
		closeSync: (fd: number) => nodeFs.closeSync(fd),
		renameSync: (from: string, to: string) => {
			if (failing.errno) fail("rename");
			nodeFs.renameSync(from, to);
		},
		linkSync: (from: string, to: string) => {
			if (failing.errno) fail("link");
			nodeFs.linkSync(from, to);
		},
		unlinkSync: (path: string) => {
			if (failing.errno === "EROFS") fail("unlink");
			nodeFs.unlinkSync(path);
		},
		existsSync: (path: string) => nodeFs.existsSync(path),
		readFileSync: (path: string) => nodeFs.readFileSync(path),
	};
	return failing;
}
