import * as nodeFs from "node:fs";
import { dirname } from "node:path";

/**
 * The synchronous `node:fs` functions the checkpoint uses, injectable so tests can make a write
 * fail with `ENOSPC` or `EROFS`, or stop the process between any two calls.
 */
export interface CheckpointFileSystem {
	/** `flags` as node:fs takes them: a string, or `O_*` constants (for `O_EXCL | O_NOFOLLOW`). */
	openSync(path: string, flags: string | number, mode?: number): number;
	writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
	fsyncSync(fd: number): void;
	ftruncateSync(fd: number, length: number): void;
	closeSync(fd: number): void;
	renameSync(oldPath: string, newPath: string): void;
	linkSync(existingPath: string, newPath: string): void;
	unlinkSync(path: string): void;
	existsSync(path: string): boolean;
	readFileSync(path: string): Uint8Array;
	/** Reads a file a chunk at a time; without it the whole file is read at once. */
	readSync?(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number;
	/** To leave a read-only state alone; without it that check is skipped. */
	statSync?(path: string): { readonly mode: number };
	/** To refuse a state that is a symbolic link before anything is sent; without it the write refuses it. */
	lstatSync?(path: string): { isSymbolicLink(): boolean };
}

const { O_CREAT, O_EXCL, O_RDWR, O_WRONLY } = nodeFs.constants;
// Not on every platform (Windows): there the O_EXCL of a new file is the guard.
const O_NOFOLLOW = nodeFs.constants.O_NOFOLLOW ?? 0;

/**
 * Flags for a file this process creates: it must not exist yet, and a symlink planted at its
 * name is refused, never followed (so no file elsewhere is overwritten through it).
 */
export const CREATE_NEW = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;

/** Flags to write an existing file in place, refusing a symlink at its name. */
export const WRITE_IN_PLACE = O_RDWR | O_NOFOLLOW;

export const nodeFileSystem: CheckpointFileSystem = nodeFs;

/**
 * Writes all of `bytes` at `position`. `writeSync` may write less than asked (a full disk
 * mid-buffer), so loop until done or until it throws.
 */
export function writeAll(fs: CheckpointFileSystem, fd: number, bytes: Uint8Array, position: number): void {
	let written = 0;
	while (written < bytes.length) {
		const n = fs.writeSync(fd, bytes, written, bytes.length - written, position + written);
		if (n <= 0) throw Object.assign(new Error("write made no progress"), { code: "EIO" });
		written += n;
	}
}

/** Runs `f`, ignoring any error: for clean-ups whose failure must not hide the real error. */
export function bestEffort(f: () => void): void {
	try {
		f();
	} catch {
		// Deliberately ignored: see the doc comment.
	}
}

/**
 * Makes a rename in `file`'s directory durable across power loss. Not every platform can fsync a
 * directory (Windows, some network file systems); a process kill cannot undo a rename anyway, so
 * failure here is not an error.
 */
export function fsyncDirectoryOf(fs: CheckpointFileSystem, file: string): void {
	bestEffort(() => {
		const fd = fs.openSync(dirname(file), "r");
		try {
			fs.fsyncSync(fd);
		} finally {
			fs.closeSync(fd);
		}
	});
}

/** Whether anything is at `path`, a link to nothing included (`existsSync` follows links). */
export function isThere(path: string): boolean {
	try {
		nodeFs.lstatSync(path);
		return true;
	} catch {
		return false;
	}
}
