import { CheckpointError, errnoOf, writeFailed } from "./checkpoint-error.js";
import { bestEffort, type CheckpointFileSystem, writeAll } from "./file-system.js";

/**
 * `<path>.lock`, holding the pid of the process that has the checkpoint open. Two processes
 * appending to and compacting the same checkpoint would each rename their own snapshot over the
 * other's file and silently drop its updates, so the second one is refused. A lock left by a
 * killed process (its pid no longer running) or by this very process (a store opened again
 * without closing the first, as after a simulated crash) is taken over.
 */
export function acquireLock(fs: CheckpointFileSystem, path: string): () => void {
	const lock = `${path}.lock`;
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = fs.openSync(lock, "wx");
			try {
				writeAll(fs, fd, Buffer.from(`${process.pid}\n`), 0);
			} finally {
				fs.closeSync(fd);
			}
			return () => bestEffort(() => fs.unlinkSync(lock));
		} catch (error) {
			if (errnoOf(error) !== "EEXIST") throw writeFailed(path, error);
		}
		const holder = readPid(fs, lock);
		if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
			throw new CheckpointError({
				code: "locked",
				path,
				message: `The checkpoint ${path} is in use by another pivotal-tui (pid ${holder}); let that import finish or stop it, then run again.`,
			});
		}
		bestEffort(() => fs.unlinkSync(lock));
	}
	throw new CheckpointError({
		code: "locked",
		path,
		message: `The checkpoint ${path} is being opened by another pivotal-tui at the same time; run again once only one is running.`,
	});
}

function readPid(fs: CheckpointFileSystem, lock: string): number | undefined {
	try {
		const pid = Number.parseInt(Buffer.from(fs.readFileSync(lock)).toString(), 10);
		return Number.isInteger(pid) && pid > 0 ? pid : undefined;
	} catch {
		return undefined;
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
