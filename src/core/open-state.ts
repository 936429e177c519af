/**
 * Opens the import's state (the checkpoint) for a run: creates it, or loads it and checks that
 * it belongs to this import. A changed source file is not a mismatch any more: it is what a
 * sync is for. Another server, or a key of another workspace, is.
 */

import { randomBytes } from "node:crypto";
import { basename } from "node:path";
import { PASSES } from "../model/records.js";
import { perPass } from "../model/resources.js";
import {
	CheckpointError,
	type CheckpointFileSystem,
	type CheckpointHeader,
	openCheckpoint,
	RUNS,
	RUNS_FINISHED,
} from "./checkpoint/index.js";
import { NO_STATE, stateFingerprint } from "./plan/state-fingerprint.js";
import type { SourceCheckSummary, SourceFiles } from "./run-types.js";
import type { OpenedStore, StateOpener, StateStore } from "./state/state-store.js";

/** Input the engine refuses before sending anything (invalid rows, a checkpoint of another import). */
export class InputError extends Error {
	override readonly name: string = "InputError";
}

/** Another run holds the import's state (its lock): refused before anything is sent. */
export class StateHeldError extends InputError {
	override readonly name: string = "StateHeldError";
}

/**
 * A state that cannot be opened, as the error the run is refused with: nothing was sent, so it
 * is not an interruption to resume. Held by another run: `StateHeldError`. Damaged, not a
 * checkpoint, read-only, of a newer version: `InputError`. A write that fails (a full disk)
 * stays a `CheckpointError`: the same command resumes once there is room.
 */
export function refusedState(error: CheckpointError): Error {
	switch (error.code) {
		case "locked":
			return new StateHeldError(error.message);
		case "write-failed":
			// A name too long stays too long: input to fix (exit 2), not a run to resume.
			return error.errno === "ENAMETOOLONG" ? new InputError(error.message) : error;
		case "unavailable":
		case "closed":
			return error;
		default:
			return new InputError(error.message);
	}
}

/** The sentence refusing a state made against another server, or undefined when it is this one. */
export function otherServer(header: CheckpointHeader, baseUrl: string, path: string): string | undefined {
	if (sameServer(header.baseUrl, baseUrl)) return undefined;
	// A database's import is another by its name: a file there would be a first sync every night
	// on a machine that keeps nothing (adversarial finding V11).
	const another = /^postgres(ql)?:\/\//i.test(path) ? "another --name" : "another --checkpoint file";
	return `${path} belongs to an import into ${header.baseUrl}, not ${baseUrl}; nothing was sent: pass --base-url ${header.baseUrl}, or ${another}.`;
}

/** Two spellings of one API root: a trailing slash makes no other server. */
function sameServer(a: string, b: string): boolean {
	return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

export function defaultCheckpointPath(customersFile: string): string {
	return `${customersFile}.checkpoint.json`;
}

export interface OpenStateOptions {
	readonly path: string;
	readonly files: SourceFiles;
	readonly check: SourceCheckSummary;
	readonly keyFingerprint: string;
	readonly keyFingerprints?: readonly string[] | undefined;
	/** The workspace this run's key belongs to, from `GET /me`. */
	readonly workspace?: { readonly id: string; readonly name: string } | undefined;
	readonly baseUrl: string;
	readonly fresh: boolean;
	/** The saved plan this run applies (0: none), recorded as the run starts or goes on. @default 0 */
	readonly planMark?: number | undefined;
	/** The state a saved plan's check saw (`stateFingerprint`); another is refused. @default unchecked */
	readonly expectState?: string | undefined;
	readonly now: () => number;
	readonly fs?: CheckpointFileSystem | undefined;
	/** Opens the state elsewhere than the file at `path` (Postgres). @default the file */
	readonly open?: StateOpener | undefined;
	/**
	 * Can this run's key see what the checkpoint's key created? Asked only when the keys differ:
	 * a rotated key of the same workspace carries on.
	 */
	readonly isSameWorkspace: (store: StateStore) => Promise<boolean>;
	readonly notice: (level: "info" | "warn", message: string) => void;
}

export interface OpenedState {
	readonly store: StateStore;
	readonly resumed: boolean;
	/** This run's number: a new one, or the one an interrupted run had. */
	readonly run: number;
	/** No earlier run of this import finished. */
	readonly isFirstSync: boolean;
	/** The state held this run unfinished (killed, stopped): the run goes on, rather than a new sync. */
	readonly continuesRun: boolean;
}

/**
 * Which saved plan the last run started applies (0: a plain import). Counters hold numbers and
 * are added to, so the mark is moved by the difference.
 */
export const PLAN_MARK = "planMark";

export async function openState(options: OpenStateOptions): Promise<OpenedState> {
	const { path, check } = options;
	const sources = Object.fromEntries(
		PASSES.map((pass) => {
			const file = options.files[pass];
			const sha256 = check.fingerprints[pass];
			return [pass, file && sha256 ? { path: file, sha256, rows: check.counts[pass] ?? 0 } : undefined];
		}),
	) as CheckpointHeader["sources"];
	const header: CheckpointHeader = {
		runId: randomBytes(6).toString("hex"),
		createdAt: new Date(options.now()).toISOString(),
		keyFingerprint: options.keyFingerprint,
		...(options.keyFingerprints && options.keyFingerprints.length > 1
			? { keyFingerprints: options.keyFingerprints }
			: {}),
		baseUrl: options.baseUrl,
		sources,
		...(options.workspace ? { workspace: options.workspace } : {}),
		...mapsOf(check),
	};
	let opened: OpenedStore;
	try {
		opened = options.open
			? await options.open({ create: () => header, fresh: options.fresh })
			: await openCheckpoint({
					path,
					fresh: options.fresh,
					create: () => header,
					...(options.fs ? { fs: options.fs } : {}),
				});
	} catch (error) {
		throw error instanceof CheckpointError ? refusedState(error) : error;
	}
	const where = opened.store.path;
	if (opened.recoveredFrom) {
		// Only when a library caller asked for the backup: a damaged state is refused otherwise.
		options.notice(
			"warn",
			`The checkpoint was damaged; resumed from its last good copy ${opened.recoveredFrom}.`,
		);
	}
	// `--fresh`: said where the state that was there is kept, for a way back (finding V11).
	if (opened.setAside !== undefined)
		options.notice("info", `Starting over: the state that was here is kept as ${opened.setAside}.`);
	const { store } = opened;
	if (options.expectState !== undefined && seenNow(store, opened.resumed) !== options.expectState) {
		// Checked again under the lock: the plan's check read the state before the lock was taken.
		await store.close();
		throw new InputError(
			`stale plan: ${where} changed since the plan was checked (another run wrote it meanwhile); nothing was sent. Plan again.`,
		);
	}
	if (opened.resumed) {
		// The key's workspace is known (`GET /me`) and the state's is another: a create would land in
		// the wrong workspace and be recorded here. Refused like undo refuses it, before any write.
		if (
			options.workspace &&
			sameServer(store.header.baseUrl, options.baseUrl) &&
			isOtherWorkspace(store.header, options.workspace)
		) {
			await store.close();
			throw new InputError(
				`This key belongs to the workspace ${options.workspace.name}, not the one ${where} was imported into (${store.header.workspace?.name}); nothing was sent. Use a key of that workspace.`,
			);
		}
		let mismatch: string | undefined;
		if (!sameServer(store.header.baseUrl, options.baseUrl))
			mismatch = `it was made against ${store.header.baseUrl}`;
		// A revoked or rotated key is replaced by another key of the same workspace: only going on
		// with this state keeps the idempotency keys and what the sync knows.
		else if (
			store.header.keyFingerprint !== options.keyFingerprint &&
			!(await options.isSameWorkspace(store))
		) {
			mismatch = "it was made with an API key of another workspace, which cannot see the records it created";
		}
		if (mismatch) {
			await store.close();
			throw new InputError(
				`${where} belongs to another import (${mismatch}); run again with --fresh to set it aside and start over, or use ${options.open ? "--name" : "--checkpoint"} to pick another ${options.open ? "name" : "file"}.`,
			);
		}
	}
	if (opened.resumed) nameOtherFile(store.header, options.files.customers, options.notice);
	const counters = store.counters();
	const started = counters[RUNS] ?? 0;
	const finished = counters[RUNS_FINISHED] ?? 0;
	// An interrupted run goes on under its number; a finished one is followed by the next.
	const isFirstSync = finished === 0;
	// Any run that starts or goes on marks the state as its own: an apply resumes only its plan's run.
	const markDelta = (options.planMark ?? 0) - (counters[PLAN_MARK] ?? 0);
	const mark = markDelta === 0 ? {} : { [PLAN_MARK]: markDelta };
	if (started > finished) {
		if (markDelta !== 0) store.addCounters(mark);
		return { store, resumed: opened.resumed, run: started, isFirstSync, continuesRun: true };
	}
	store.addCounters({ [RUNS]: 1, ...mark });
	return { store, resumed: opened.resumed, run: started + 1, isFirstSync, continuesRun: false };
}

/** The map fingerprints worth keeping: a map edit later shows in the plan as changed field values. */
function mapsOf(check: SourceCheckSummary): { maps?: Record<string, string> } {
	const maps: Record<string, string> = {};
	for (const pass of PASSES) {
		const fingerprint = check.mapFingerprints?.[pass];
		if (fingerprint) maps[pass] = fingerprint;
	}
	return Object.keys(maps).length > 0 ? { maps } : {};
}

/** The state says which workspace it belongs to, and this key's is another. */
export function isOtherWorkspace(
	header: CheckpointHeader,
	workspace: { readonly id: string } | undefined,
): boolean {
	return header.workspace !== undefined && workspace !== undefined && header.workspace.id !== workspace.id;
}

/** Mark the run finished (every record reached a final state), so the next one is a new run. */
export function finishRun(store: StateStore, run: number): void {
	const counters = store.counters();
	if ((counters[RUNS_FINISHED] ?? 0) < run)
		store.addCounters({ [RUNS_FINISHED]: run - (counters[RUNS_FINISHED] ?? 0) });
}

/** The number of the last run started, for undo. */
export function lastRun(store: StateStore): number {
	return store.counters()[RUNS] ?? 0;
}

/**
 * The run of the import that started last, when it did not finish (killed, stopped, failed):
 * an undo of "the last run" takes that one back, even if it changed nothing yet.
 */
export function interruptedRun(counters: Readonly<Record<string, number>>): number | undefined {
	const started = counters[RUNS] ?? 0;
	return started > (counters[RUNS_FINISHED] ?? 0) ? started : undefined;
}

/**
 * A state made from a customers file of another name is not refused (an export's name may carry
 * its date), but said, so that pointing --checkpoint at another import's state is not silent.
 */
function nameOtherFile(
	header: CheckpointHeader,
	customers: string,
	notice: (level: "info" | "warn", message: string) => void,
): void {
	const made = header.sources.customers?.path;
	if (made === undefined || basename(made) === basename(customers)) return;
	notice(
		"warn",
		`This state was made from ${basename(made)}, not ${basename(customers)}; the rows are matched to it by external_id.`,
	);
}

/** `stateFingerprint` of the state as opened, before this run writes to it (none: made just now). */
function seenNow(store: StateStore, existed: boolean): string {
	if (!existed) return NO_STATE;
	return stateFingerprint({
		header: store.header,
		counters: store.counters(),
		records: perPass((pass) => store.records?.(pass) ?? new Map(store.entries(pass))),
	});
}
