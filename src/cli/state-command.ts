/**
 * `pivotal-tui state copy FROM TO [--name NAME]` moves an import's state between a checkpoint
 * file and a Postgres database (either way, records with their revisions, counters and header),
 * so a team moves an import from a laptop to a schedule without starting over.
 * `pivotal-tui state list --state postgres://…` shows the imports a database holds.
 */

import { existsSync, linkSync, readdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isThere, nodeFileSystem } from "../core/checkpoint/file-system.js";
import {
	type CheckpointData,
	CheckpointError,
	openCheckpoint,
	readCheckpoint,
	sentenceWithoutFresh,
} from "../core/checkpoint/index.js";
import { acquireLock } from "../core/checkpoint/lock-file.js";
import { EXIT } from "../core/exit-codes.js";
import { COPY_UNFINISHED, PostgresState } from "../core/state/pg-state.js";
import { defaultImportName, isPostgresUrl, maskUrl } from "../core/state/pg-url.js";
import type { StateStore } from "../core/state/state-store.js";
import { PASSES } from "../model/records.js";
import { escapeControls } from "../model/terminal-text.js";
import type { CommandIo } from "./import-command.js";
import { listStates } from "./state-list.js";
import { exitForStateError } from "./state-location.js";

const USAGE =
	"state takes copy FROM TO [--name NAME] or list --state postgres://…; run pivotal-tui --help for the commands.";

export async function runStateCommand(args: readonly string[], io: CommandIo): Promise<number> {
	const foreign = foreignOption(args);
	if (foreign !== undefined) {
		// Said here rather than by parseArgs, whose text (a quote left open) is not a sentence.
		io.stderr.write(`state does not take ${escapeControls(foreign)}: it ${USAGE.replace(/^state /, "")}\n`);
		return EXIT.usage;
	}
	let parsed: ReturnType<typeof parse>;
	try {
		parsed = parse(args);
	} catch (error) {
		const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
		io.stderr.write(`${text?.replace(/\.$/, "")}; ${USAGE}\n`);
		return EXIT.usage;
	}
	const [sub, ...rest] = parsed.positionals;
	try {
		if (sub === "copy" && rest.length === 2)
			return await copyState(rest[0] as string, rest[1] as string, parsed.values.name, io);
		if (sub === "list" && rest.length === 0) {
			const url = parsed.values.state ?? io.env.PIVOTAL_STATE_URL;
			if (!url || !isPostgresUrl(url)) {
				io.stderr.write(
					"state list needs a database: --state postgres://user@host/db (or PIVOTAL_STATE_URL).\n",
				);
				return EXIT.usage;
			}
			return await listStates(url, io);
		}
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		io.stderr.write(`${sentenceWithoutFresh(error)}\n`);
		return exitForStateError(error);
	}
	io.stderr.write(`${USAGE}\n`);
	return EXIT.usage;
}

const OPTIONS = { name: { type: "string" }, state: { type: "string" } } as const;

function parse(args: readonly string[]) {
	return parseArgs({ args: [...args], allowPositionals: true, strict: true, options: OPTIONS });
}

/** The first option given that state does not take, as typed (`--fresh`, `-x`). */
function foreignOption(args: readonly string[]): string | undefined {
	const { tokens } = parseArgs({
		args: [...args],
		allowPositionals: true,
		strict: false,
		tokens: true,
		options: OPTIONS,
	});
	for (const token of tokens)
		if (token.kind === "option" && !Object.hasOwn(OPTIONS, token.name)) return token.rawName;
	return undefined;
}

/** The name a copy goes under when `--name` is not given. */
function nameFor(from: string, to: string, data: CheckpointData | undefined): string {
	const customers = data?.header.sources.customers?.path;
	if (customers) return defaultImportName(customers);
	const file = isPostgresUrl(from) ? to : from;
	return defaultImportName(basename(file).replace(/\.checkpoint\.json$/, ""));
}

async function copyState(
	from: string,
	to: string,
	givenName: string | undefined,
	io: CommandIo,
): Promise<number> {
	if (isPostgresUrl(from) && isPostgresUrl(to) && sameDatabase(from, to)) {
		io.stderr.write(
			`FROM and TO are the same database (${maskUrl(to)}): a copy onto itself would copy nothing; give TO another database.\n`,
		);
		return EXIT.usage;
	}
	if (!isPostgresUrl(to) && !existsSync(dirname(resolve(to)))) {
		io.stderr.write(
			`The folder ${dirname(to)} does not exist; create it, or copy to a file in a folder that does.\n`,
		);
		return EXIT.usage;
	}
	let source: PostgresState | undefined;
	let target: PostgresState | undefined;
	let unlockSource: (() => void) | undefined;
	try {
		let data: CheckpointData | undefined;
		if (isPostgresUrl(from)) {
			const name = givenName ?? nameFor(from, to, undefined);
			// Locked while read: a run writing it at the same time would make a torn copy.
			source = await PostgresState.connect(from, name, {});
			data = await source.read();
		} else {
			// Locked while read too: a copy of a running import's state is already stale, and a
			// run from it would create again what that run goes on to create.
			if (isRegularFile(from)) unlockSource = acquireLock(nodeFileSystem, from);
			data = await readCheckpoint(from);
		}
		if (data === undefined) {
			const what = source ? source.where : from;
			io.stderr.write(
				`There is no import state at ${what} to copy; check FROM${source ? " and --name" : ""}.\n`,
			);
			return EXIT.usage;
		}
		const name = givenName ?? nameFor(from, to, data);
		let store: StateStore;
		// A copy stopped half-way must not pass for the state: into a database it is marked
		// unfinished until its last counter is written (and a second copy replaces it); into a
		// file it is written beside it and linked into place once whole.
		let partial: string | undefined;
		if (isPostgresUrl(to)) {
			target = await PostgresState.connect(to, name, {});
			if (await holdsState(target)) {
				io.stderr.write(
					`${target.where} already holds a state; copy under another --name, or leave it as it is.\n`,
				);
				return EXIT.usage;
			}
			const createCounters = { [COPY_UNFINISHED]: 1 };
			store = (await target.open({ create: () => data.header, createCounters })).store;
		} else {
			// A link, even to nothing, is there: the copy's last step links its file into place (V3).
			if (isThere(to)) {
				io.stderr.write(`${to} already exists; copy to a new file so that no state is overwritten.\n`);
				return EXIT.usage;
			}
			clearStaleCopies(to);
			partial = `${to}.copying-${process.pid}`;
			store = (await openCheckpoint({ path: partial, create: () => data.header })).store;
		}
		let n = 0;
		for (const pass of PASSES) {
			for (const [key, state] of data.records[pass]) {
				store.set(pass, key, state, { isDeferred: true });
				// Written as it goes: the updates waiting for the store stay few, whatever the import's size.
				if (++n % 5000 === 0) await store.flush();
			}
		}
		store.addCounters(target ? { ...data.counters, [COPY_UNFINISHED]: -1 } : data.counters);
		await store.close();
		if (partial !== undefined) {
			// A link fails where TO appeared meanwhile: nothing is overwritten.
			try {
				linkSync(partial, to);
			} finally {
				// With the snapshot its compaction kept (a copy has no earlier state worth keeping).
				rmSync(partial, { force: true });
				rmSync(`${partial}.bak`, { force: true });
			}
		}
		const counts = PASSES.map((pass) => `${data.records[pass].size} ${pass}`).join(", ");
		const where = target ? target.where : to;
		io.stdout.write(
			`Copied the state of ${source?.where ?? from} to ${where}: ${counts}, with their revisions and counters.\n`,
		);
		return EXIT.ok;
	} finally {
		unlockSource?.();
		await source?.release();
		await target?.release();
	}
}

/**
 * What killed copies into `to` left (`TO.copying-PID`, its lock and backup): removed once no live
 * process holds them, so a kill no longer leaves a pair for good (adversarial finding O10). A copy
 * still running holds its lock, as does one of another host, and is left alone.
 */
function clearStaleCopies(to: string): void {
	const folder = dirname(resolve(to));
	const prefix = `${basename(to)}.copying-`;
	for (const entry of readdirSync(folder)) {
		if (!entry.startsWith(prefix) || !/^\d+$/.test(entry.slice(prefix.length))) continue;
		const partial = join(folder, entry);
		let release: () => void;
		try {
			release = acquireLock(nodeFileSystem, partial);
		} catch {
			continue;
		}
		try {
			rmSync(partial, { force: true });
			rmSync(`${partial}.bak`, { force: true });
		} finally {
			release();
		}
	}
}

/** Whether the database holds a state under the target's name; a copy left unfinished is dropped. */
async function holdsState(target: PostgresState): Promise<boolean> {
	try {
		return (await target.read()) !== undefined;
	} catch (error) {
		if (await target.dropUnfinishedCopy()) return false;
		throw error;
	}
}

function isRegularFile(path: string): boolean {
	try {
		return statSync(path).isFile();
	} catch {
		return false;
	}
}

/** Two URLs of one database (the same user, host, port and database; password and options aside). */
function sameDatabase(a: string, b: string): boolean {
	const key = (url: string) => {
		try {
			const parsed = new URL(url);
			return `${decodeURIComponent(parsed.username)}@${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
		} catch {
			return url;
		}
	};
	return key(a) === key(b);
}
