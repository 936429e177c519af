/**
 * A workbook is a zip: its parts are read from anywhere in the file, in any order, so it cannot
 * be proven a block at a time on the way to the parser as a CSV is (byte-blocks.ts). Instead the
 * file is opened once, every byte is hashed from that descriptor, and the workbook is parsed from
 * the same descriptor: a file renamed over the path afterwards is not what is read, and a file
 * whose bytes differ from the ones validation noted is refused before any row of it is parsed.
 */

import { close, fstat, open, read } from "node:fs";
import { promisify } from "node:util";
import { BLOCK_BYTES, BlockHasher, type ByteBlocks, FileChangedError } from "../byte-blocks.js";

const openFd = promisify(open);
const closeFd = promisify(close);
const fstatFd = promisify(fstat);
const readFd = promisify(read);

const CHUNK_BYTES = 1024 * 1024;

/** Where the bytes first differ from the noted ones: the start of the first block that differs. */
function changedFrom(now: ByteBlocks, noted: ByteBlocks): number {
	let block = 0;
	while (block < now.prefixes.length && now.prefixes[block] === noted.prefixes[block]) block++;
	return block * BLOCK_BYTES;
}

/**
 * Opens `file` and hashes it whole from the descriptor (unless `verify` is undefined and `hash`
 * false: then `blocks` is too). With `verify`, throws `FileChangedError` (the descriptor closed)
 * unless the bytes are the ones noted. The caller owns the descriptor.
 */
export async function openCheckedFile(
	file: string,
	verify: ByteBlocks | undefined,
	hash = true,
): Promise<{ readonly fd: number; readonly blocks: ByteBlocks | undefined }> {
	const fd = await openFd(file, "r");
	if (verify === undefined && !hash) return { fd, blocks: undefined };
	try {
		const info = await fstatFd(fd);
		const hasher = new BlockHasher();
		const buffer = Buffer.alloc(CHUNK_BYTES);
		for (let position = 0; ; ) {
			const { bytesRead } = await readFd(fd, buffer, 0, CHUNK_BYTES, position);
			if (bytesRead === 0) break;
			hasher.update(buffer.subarray(0, bytesRead));
			position += bytesRead;
		}
		const { sha256, prefixes } = hasher.digest();
		const blocks: ByteBlocks = { sha256, prefixes, size: info.size, mtimeMs: info.mtimeMs };
		if (verify !== undefined && sha256 !== verify.sha256)
			throw new FileChangedError(changedFrom(blocks, verify));
		return { fd, blocks };
	} catch (error) {
		await closeFd(fd);
		throw error;
	}
}

/** Closes a descriptor nothing else took over (see `ZipEntries.open`). */
export function closeFile(fd: number): Promise<void> {
	return closeFd(fd);
}
