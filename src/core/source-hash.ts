import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { PASSES } from "../model/records.js";
import { fileOnDisk } from "../source/workbook-path.js";
import { InputError } from "./open-state.js";
import type { SourceCheckSummary, SourceFiles } from "./run-types.js";

/**
 * Refuse to apply a plan whose files changed after it was made: the run would import rows
 * nobody reviewed. A file whose check noted its blocks (`known.bytes`) and whose size and
 * modification time are as then costs a stat: the pass reading it proves every block before
 * its rows are sent (source/byte-blocks.ts). Any other file costs one read, hashed.
 */
export async function checkUnchanged(files: SourceFiles, check: SourceCheckSummary): Promise<void> {
	const file = await firstChangedFile(files, check);
	if (file !== undefined) {
		throw new InputError(
			`${file} changed after the plan was made; nothing was sent. Run the command again to plan against the file as it is now.`,
		);
	}
}

/** The first of `files` whose bytes are no longer the ones `check` read (as `checkUnchanged` tells), or undefined. */
export async function firstChangedFile(
	files: SourceFiles,
	check: Pick<SourceCheckSummary, "fingerprints" | "known">,
): Promise<string | undefined> {
	for (const pass of PASSES) {
		const file = files[pass];
		const planned = check.fingerprints[pass];
		if (!file || planned === undefined) continue;
		const bytes = check.known?.[pass]?.bytes;
		if (bytes !== undefined && bytes.sha256 === planned && (await isAsChecked(file, bytes))) continue;
		if ((await sha256OrNone(file)) !== planned) return file;
	}
	return undefined;
}

/** A file that can no longer be read has changed as surely as one rewritten. */
async function sha256OrNone(file: string): Promise<string | undefined> {
	try {
		return await sha256Of(file);
	} catch {
		return undefined;
	}
}

async function isAsChecked(file: string, bytes: { size: number; mtimeMs: number }): Promise<boolean> {
	try {
		const info = await stat(fileOnDisk(file));
		return info.size === bytes.size && info.mtimeMs === bytes.mtimeMs;
	} catch {
		return false;
	}
}

/** A path that names no regular file: a pipe would wait for its writer, a device never ends. */
export class NotRegularFileError extends Error {
	readonly code = "ESPIPE";
}

/**
 * SHA-256 of a file's bytes, hex, read as a stream. Rejects with `NotRegularFileError` for a pipe,
 * device or folder: opened without waiting (O_NONBLOCK) and checked on the open descriptor, so a
 * path swapped for a FIFO after a check cannot hang it either.
 */
export async function sha256Of(path: string): Promise<string> {
	const hash = createHash("sha256");
	const handle = await openRegular(path);
	try {
		// Read in large pieces into one buffer: a stream's 64 KiB chunks cost more than the hashing
		// (a refresh proves each of its files twice, on the thread that sends).
		const buffer = Buffer.allocUnsafe(HASH_READ_BYTES);
		for (;;) {
			const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
			if (bytesRead === 0) break;
			hash.update(buffer.subarray(0, bytesRead));
		}
	} finally {
		await handle.close();
	}
	return hash.digest("hex");
}

const HASH_READ_BYTES = 1 << 20;

/** A small file's bytes and their SHA-256 from one read (a map: what is parsed is what was hashed). */
export async function bytesAndSha256Of(
	path: string,
): Promise<{ readonly bytes: Buffer; readonly sha256: string }> {
	const chunks: Buffer[] = [];
	await eachChunkOf(path, (chunk) => chunks.push(chunk));
	const bytes = Buffer.concat(chunks);
	return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** `path` opened for reading, refused (`NotRegularFileError`) unless it is a regular file. */
async function openRegular(path: string): Promise<FileHandle> {
	const handle = await open(fileOnDisk(path), constants.O_RDONLY | constants.O_NONBLOCK);
	try {
		if (!(await handle.stat()).isFile()) throw new NotRegularFileError(`${path} is not a regular file`);
		return handle;
	} catch (error) {
		await handle.close();
		throw error;
	}
}

async function eachChunkOf(path: string, take: (chunk: Buffer) => void): Promise<void> {
	const handle = await openRegular(path);
	try {
		for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>)
			take(chunk);
	} finally {
		await handle.close();
	}
}
