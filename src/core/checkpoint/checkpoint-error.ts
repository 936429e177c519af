/**
 * Why the checkpoint store refused or failed. The engine branches on `code`, never on the message.
 *
 * - `corrupt`: the file is damaged (bad JSON, garbage between lines) and no backup could replace it.
 * - `not-a-checkpoint`: the file exists but was not written by pivotal-tui; it is left untouched.
 * - `unsupported-version`: written by a newer pivotal-tui.
 * - `read-failed` / `write-failed`: the file system refused (`errno` holds `EACCES`, `ENOSPC`, …).
 *   After `write-failed` the update that failed is not in the checkpoint; stop and resume later.
 * - `invalid-header`: the header given to a new checkpoint would store something unsafe.
 * - `locked`: another running pivotal-tui has the checkpoint open.
 * - `read-only`: the file is read-only; it is not replaced.
 * - `closed`: the store was used after `close()`.
 */
export type CheckpointErrorCode =
	| "corrupt"
	| "not-a-checkpoint"
	| "unsupported-version"
	| "read-failed"
	| "write-failed"
	/** A state database that did not answer in time: a passing fault, the same command resumes. */
	| "unavailable"
	| "invalid-header"
	| "locked"
	| "read-only"
	| "link"
	| "closed";

export class CheckpointError extends Error {
	override readonly name = "CheckpointError";
	readonly code: CheckpointErrorCode;
	/** The checkpoint file concerned. */
	readonly path: string;
	/** The file-system error code (`ENOSPC`, `EROFS`, `EACCES`, …) behind a read or write failure. */
	readonly errno: string | undefined;
	/** 1-based line of the file where corruption was found. */
	readonly line: number | undefined;
	/**
	 * The same sentence for a command that takes no `--fresh` (undo, apply, state copy), where
	 * `message` offers it: advice a command cannot follow is no advice.
	 */
	readonly withoutFresh: string | undefined;

	constructor(init: {
		code: CheckpointErrorCode;
		path: string;
		message: string;
		errno?: string | undefined;
		line?: number | undefined;
		withoutFresh?: string | undefined;
		cause?: unknown;
	}) {
		super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
		this.code = init.code;
		this.path = init.path;
		this.errno = init.errno;
		this.line = init.line;
		this.withoutFresh = init.withoutFresh;
	}
}

/** How `import` leaves a damaged state behind: the last clause of the sentence that refuses it. */
export const FRESH_WAY =
	"run again with --fresh to set it aside (records already in Pivotal are then found, not created again)";

/** The same way out for a command that takes no `--fresh`: it belongs to the import. */
export const FRESH_WAY_ELSEWHERE =
	"set it aside by running the import with --fresh, which starts its state over (records already in Pivotal are then found, not created again, but its earlier runs can no longer be undone)";

/** What a command that takes no `--fresh` says of a state it could not open. */
export function sentenceWithoutFresh(error: CheckpointError): string {
	return error.withoutFresh ?? error.message;
}

/** The `code` of a Node file-system error (`ENOSPC`…), if the value is one. */
export function errnoOf(error: unknown): string | undefined {
	if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
		return error.code;
	}
	return undefined;
}

const ERRNO_REASONS: Readonly<Record<string, string>> = {
	ENOSPC: "the disk is full",
	EDQUOT: "the disk quota is exhausted",
	EROFS: "the file system is read-only",
	ENAMETOOLONG: "the name is too long for the file system",
	EACCES: "permission denied",
	EPERM: "permission denied",
	EIO: "an input/output error",
};

/** A state is opened without following links: a link in its place is the user's to resolve. */
function linkRefused(path: string, doing: "read" | "write"): string {
	return `Cannot ${doing} the checkpoint ${path}: it is a symbolic link, and a state is never ${doing === "read" ? "read" : "written"} through one (ELOOP); pass the file it points to with --checkpoint, or move that file in its place.`;
}

export function writeFailed(path: string, cause: unknown): CheckpointError {
	const errno = errnoOf(cause) ?? "EIO";
	if (errno === "ELOOP")
		return new CheckpointError({
			code: "write-failed",
			path,
			errno,
			cause,
			message: linkRefused(path, "write"),
		});
	if (errno === "ENAMETOOLONG")
		return new CheckpointError({
			code: "write-failed",
			path,
			errno,
			cause,
			message: `Cannot write the checkpoint ${path} (ENAMETOOLONG): its name, or the name of a file kept beside it, is too long for the file system; name a shorter one with --checkpoint PATH (or rename the input file).`,
		});
	const reason = ERRNO_REASONS[errno] ?? "the file system refused";
	return new CheckpointError({
		code: "write-failed",
		path,
		errno,
		cause,
		message: `Cannot write the checkpoint ${path} (${errno}: ${reason}); free some space or fix its permissions, then run the same import again to resume.`,
	});
}

export function readFailed(path: string, cause: unknown): CheckpointError {
	const errno = errnoOf(cause) ?? "EIO";
	if (errno === "ELOOP")
		return new CheckpointError({
			code: "read-failed",
			path,
			errno,
			cause,
			message: linkRefused(path, "read"),
		});
	const reason = ERRNO_REASONS[errno] ?? "the file system refused";
	return new CheckpointError({
		code: "read-failed",
		path,
		errno,
		cause,
		message: `Cannot read the checkpoint ${path} (${errno}: ${reason}); fix its permissions, or pass another --checkpoint file.`,
	});
}
