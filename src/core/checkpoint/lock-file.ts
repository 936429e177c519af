import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { CheckpointError, errnoOf, writeFailed } from "./checkpoint-error.js";
import { bestEffort, type CheckpointFileSystem, CREATE_NEW, writeAll } from "./file-system.js";

/** Who takes a lock: this process, or (in tests) another one it plays. */
export interface LockOwner {
	readonly pid: number;
	readonly host: string;
	readonly now: () => number;
	/** Is a process of this host running? */
	readonly isRunning: (pid: number) => boolean;
}

export const THIS_PROCESS: LockOwner = {
	pid: process.pid,
	host: hostname(),
	now: Date.now,
	isRunning,
};

/** What a lock file says of its holder. `host` and `since` are missing in locks of older versions. */
interface Holder {
	readonly pid: number;
	readonly host?: string;
	readonly since?: string;
	readonly token?: string;
}

/**
 * `<path>.lock`, naming the process that has the checkpoint open. Two processes appending to and
 * compacting the same checkpoint would each rename their own snapshot over the other's file and
 * silently drop its updates, so the second one is refused.
 *
 * A lock left by a run that died (its pid no longer runs on this host), or by this very process
 * once the store that took it released it, is taken over. One this process holds for a store
 * still open is refused like another process's: two runs of a library caller on one state would
 * each write their own snapshot over the other's (finding N2). `isOwnTakenOver`: this process's
 * lock is taken over whatever holds it, as a test that drops a store unclosed (a crash) asks.
 * Taking over is the racy part: two runs that both saw the dead holder must not both remove the
 * file and both create their own. So a takeover happens only while holding `<path>.lock.takeover`
 * (created exclusively: one process at a time), which reads the lock again before removing it.
 * Every lock file appears whole (written aside, then hard-linked into place), so a file that is
 * there always names its holder, never reads as empty and stale.
 */
export function acquireLock(
	fs: CheckpointFileSystem,
	path: string,
	owner: LockOwner = THIS_PROCESS,
	isOwnTakenOver = false,
): () => void {
	try {
		return acquire(fs, path, owner, isOwnTakenOver);
	} catch (error) {
		if (error instanceof CheckpointError) throw error;
		// The lock could not be written: the checkpoint's folder refuses writes (EROFS, EACCES, ENOSPC).
		throw writeFailed(path, error);
	}
}

/** Tokens of the locks this process holds for stores still open (released ones are dropped). */
const heldHere = new Set<string>();

function acquire(
	fs: CheckpointFileSystem,
	path: string,
	owner: LockOwner,
	isOwnTakenOver: boolean,
): () => void {
	const taken = acquireToken(fs, path, { ...owner, isOwnTakenOver });
	heldHere.add(taken.token);
	return () => {
		heldHere.delete(taken.token);
		taken.release();
	};
}

function acquireToken(
	fs: CheckpointFileSystem,
	path: string,
	owner: LockOwner & { readonly isOwnTakenOver: boolean },
): { readonly token: string; readonly release: () => void } {
	const lock = `${path}.lock`;
	const token = randomBytes(8).toString("hex");
	const mine: Holder = {
		pid: owner.pid,
		host: owner.host,
		since: new Date(owner.now()).toISOString(),
		token,
	};
	const release = () =>
		bestEffort(() => {
			// Only our own lock: never one a later run took over.
			if (readHolder(fs, lock)?.token === token) fs.unlinkSync(lock);
		});
	if (createWhole(fs, lock, mine)) return { token, release };
	const seen = readHolder(fs, lock);
	if (seen !== undefined && isAlive(seen, owner)) throw held(path, seen);

	const takeover = `${lock}.takeover`;
	if (!createWhole(fs, takeover, mine)) {
		const other = readHolder(fs, takeover);
		if (other !== undefined && isAlive(other, owner)) throw held(path, other);
		// Left by a run killed within its takeover, a few system calls long: cleared once.
		bestEffort(() => fs.unlinkSync(takeover));
		if (!createWhole(fs, takeover, mine)) throw held(path, readHolder(fs, takeover) ?? { pid: 0 });
	}
	try {
		// Under the takeover file nobody else removes the lock: what is there now stays until we act.
		const now = readHolder(fs, lock);
		if (now !== undefined && isAlive(now, owner)) throw held(path, now);
		bestEffort(() => fs.unlinkSync(lock));
		if (createWhole(fs, lock, mine)) return { token, release };
		// A new run took the free lock between our unlink and our create: it is alive.
		const winner = readHolder(fs, lock);
		throw held(path, winner ?? { pid: 0 });
	} finally {
		bestEffort(() => fs.unlinkSync(takeover));
	}
}

/**
 * Creates `file` holding `holder`, or returns false when it exists. Written aside and hard-linked
 * into place (a link never replaces a file), so it is never seen empty; where hard links are
 * refused, created exclusively and written.
 */
function createWhole(fs: CheckpointFileSystem, file: string, holder: Holder): boolean {
	const bytes = Buffer.from(`${JSON.stringify(holder)}\n`);
	const aside = `${file}.${holder.pid}.${holder.token}`;
	let fd: number | undefined;
	try {
		fd = fs.openSync(aside, CREATE_NEW, 0o600);
		writeAll(fs, fd, bytes, 0);
		fs.closeSync(fd);
		fd = undefined;
		try {
			fs.linkSync(aside, file);
			return true;
		} catch (error) {
			if (errnoOf(error) === "EEXIST") return false;
			return createExclusive(fs, file, bytes);
		}
	} finally {
		if (fd !== undefined) bestEffort(() => fs.closeSync(fd as number));
		bestEffort(() => fs.unlinkSync(aside));
	}
}

function createExclusive(fs: CheckpointFileSystem, file: string, bytes: Uint8Array): boolean {
	let fd: number;
	try {
		fd = fs.openSync(file, CREATE_NEW, 0o600);
	} catch (error) {
		if (errnoOf(error) === "EEXIST") return false;
		throw error;
	}
	try {
		writeAll(fs, fd, bytes, 0);
	} finally {
		fs.closeSync(fd);
	}
	return true;
}

function held(path: string, holder: Holder): CheckpointError {
	const where = holder.host ? ` on ${holder.host}` : "";
	const since = holder.since ? `, since ${holder.since}` : "";
	const who = holder.pid > 0 ? ` (pid ${holder.pid}${where}${since})` : "";
	return new CheckpointError({
		code: "locked",
		path,
		message: `The checkpoint ${path} is in use by another pivotal-tui${who}; nothing was sent: let that run finish or stop it, then run again.`,
	});
}

/** A holder on another host cannot be checked from here: taken as alive. */
function isAlive(holder: Holder, owner: LockOwner & { readonly isOwnTakenOver: boolean }): boolean {
	if (holder.host !== undefined && holder.host !== owner.host) return true;
	// This process: alive while a store it opened holds it, unless a dropped store is taken over.
	if (holder.pid === owner.pid)
		return !owner.isOwnTakenOver && holder.token !== undefined && heldHere.has(holder.token);
	return owner.isRunning(holder.pid);
}

/** The holder a lock file names: JSON, or a bare pid (older versions). Undefined when unreadable. */
function readHolder(fs: CheckpointFileSystem, lock: string): Holder | undefined {
	let text: string;
	try {
		text = Buffer.from(fs.readFileSync(lock)).toString().trim();
	} catch {
		return undefined;
	}
	try {
		const value: unknown = JSON.parse(text);
		if (typeof value === "number") return Number.isInteger(value) && value > 0 ? { pid: value } : undefined;
		if (typeof value !== "object" || value === null) return undefined;
		const { pid, host, since, token } = value as Record<string, unknown>;
		if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return undefined;
		return {
			pid,
			...(typeof host === "string" ? { host } : {}),
			...(typeof since === "string" ? { since } : {}),
			...(typeof token === "string" ? { token } : {}),
		};
	} catch {
		const pid = Number.parseInt(text, 10);
		return Number.isInteger(pid) && pid > 0 ? { pid } : undefined;
	}
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it runs, under another user.
		return errnoOf(error) === "EPERM";
	}
}
