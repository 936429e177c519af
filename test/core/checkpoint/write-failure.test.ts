import * as nodeFs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
	type CheckpointFileSystem,
	type CheckpointStore,
	openCheckpoint,
	readCheckpoint,
} from "../../../src/core/checkpoint/index.js";
import type { PassName, RecordState } from "../../../src/model/records.js";
import { checkpointPerTest, created, header, linesOf, sent, tempDir } from "./helpers.js";

let path: string;
checkpointPerTest((made) => {
	path = made.path;
});

function errnoError(code: string): Error {
	return Object.assign(new Error(`${code}: simulated`), { code });
}

/** node:fs whose writes fail with `code` while `failing()` says so. */
function failingWrites(code: string, failing: () => boolean): CheckpointFileSystem {
	return {
		...nodeFs,
		writeSync: (fd, buffer, offset, length, position) => {
			if (!failing()) return nodeFs.writeSync(fd, buffer, offset, length, position);
			// A full disk typically accepts part of the buffer first.
			if (length > 8) return nodeFs.writeSync(fd, buffer, offset, Math.floor(length / 2), position);
			throw errnoError(code);
		},
	};
}

describe("a file system that refuses writes", () => {
	for (const code of ["ENOSPC", "EROFS", "EACCES"]) {
		it(`surfaces ${code} on set() as write-failed, records nothing, and recovers when writes work again`, async () => {
			let failing = false;
			const { store } = await openCheckpoint({
				path,
				isOwnTakenOver: true,
				fs: failingWrites(code, () => failing),
				create: () => header(),
			});
			store.set("customers", "c1", created("cus_1"));
			failing = true;
			let error: unknown;
			try {
				store.set("customers", "c2", created("cus_2"));
			} catch (e) {
				error = e;
			}
			expect(error).toMatchObject({ name: "CheckpointError", code: "write-failed", errno: code });
			expect((error as Error).message).toContain(path);
			expect((error as Error).message).toMatch(/resume/);
			// Memory matches the file: the failed update is not there.
			expect(store.get("customers", "c2")).toBeUndefined();
			expect(store.count("customers").total).toBe(1);
			expect([...((await readCheckpoint(path))?.records.customers.keys() ?? [])]).toEqual(["c1"]);

			failing = false;
			store.set("customers", "c3", created("cus_3"));
			expect([...((await readCheckpoint(path))?.records.customers.keys() ?? [])]).toEqual(["c1", "c3"]);
			await store.close();
		});
	}

	it("surfaces a failed compaction, leaving the current file and its journal intact", async () => {
		let failing = false;
		const { store } = await openCheckpoint({
			path,
			isOwnTakenOver: true,
			compactEvery: 3,
			fs: {
				...nodeFs,
				openSync: (p, flags) => {
					if (failing && p.endsWith(".tmp")) throw errnoError("ENOSPC");
					return nodeFs.openSync(p, flags);
				},
			},
			create: () => header(),
		});
		store.set("customers", "c1", sent());
		store.set("customers", "c2", sent());
		store.set("customers", "c3", sent());
		failing = true;
		// The fourth line is written, then the compaction it triggers fails.
		expect(() => store.set("customers", "c4", sent())).toThrow(
			expect.objectContaining({ code: "write-failed", errno: "ENOSPC" }),
		);
		expect(nodeFs.existsSync(`${path}.tmp`)).toBe(false);
		expect(linesOf(path)).toHaveLength(5);
		expect((await readCheckpoint(path))?.records.customers.size).toBe(4);
		await expect(store.close()).rejects.toMatchObject({ code: "write-failed" });
	});

	it("fails openCheckpoint on a read-only location before anything is sent", async () => {
		const fs: CheckpointFileSystem = {
			...nodeFs,
			openSync: (p, flags) => {
				if (flags !== "r") throw errnoError("EROFS");
				return nodeFs.openSync(p, flags);
			},
		};
		await expect(
			openCheckpoint({ path, isOwnTakenOver: true, fs, create: () => header() }),
		).rejects.toMatchObject({
			name: "CheckpointError",
			code: "write-failed",
			errno: "EROFS",
		});
	});

	it("fails readCheckpoint on an unreadable file with read-failed", async () => {
		const fs: CheckpointFileSystem = {
			...nodeFs,
			readFileSync: () => {
				throw errnoError("EACCES");
			},
			// Read a chunk at a time: the open for reading is refused.
			openSync: (file, flags, mode) => {
				if (flags === "r") throw errnoError("EACCES");
				return nodeFs.openSync(file, flags, mode);
			},
		};
		await expect(readCheckpoint(path, { fs })).rejects.toMatchObject({
			code: "read-failed",
			errno: "EACCES",
		});
	});
});

class Crash extends Error {}

/**
 * node:fs that dies at its `crashAt`-th mutating call, the way a SIGKILL would: a write is cut
 * in half, any other call does not happen, and nothing happens after.
 */
function crashingFs(crashAt: number): { fs: CheckpointFileSystem; readonly crashed: () => boolean } {
	let calls = 0;
	let dead = false;
	const opened = new Set<number>();
	const step = () => {
		if (dead) throw new Crash("already dead");
		calls++;
		if (calls === crashAt) {
			dead = true;
			for (const fd of opened) nodeFs.closeSync(fd);
			return true;
		}
		return false;
	};
	const fs: CheckpointFileSystem = {
		...nodeFs,
		openSync: (p, flags) => {
			if (step()) throw new Crash("open");
			const fd = nodeFs.openSync(p, flags);
			opened.add(fd);
			return fd;
		},
		closeSync: (fd) => {
			if (step()) throw new Crash("close");
			opened.delete(fd);
			nodeFs.closeSync(fd);
		},
		writeSync: (fd, buffer, offset, length, position) => {
			if (step()) {
				nodeFs.writeSync(fd, buffer, offset, Math.ceil(length / 2), position);
				throw new Crash("write");
			}
			return nodeFs.writeSync(fd, buffer, offset, length, position);
		},
		fsyncSync: (fd) => {
			if (step()) throw new Crash("fsync");
			nodeFs.fsyncSync(fd);
		},
		ftruncateSync: (fd, length) => {
			if (step()) throw new Crash("ftruncate");
			nodeFs.ftruncateSync(fd, length);
		},
		renameSync: (from, to) => {
			if (step()) throw new Crash("rename");
			nodeFs.renameSync(from, to);
		},
		linkSync: (from, to) => {
			if (step()) throw new Crash("link");
			nodeFs.linkSync(from, to);
		},
		unlinkSync: (p) => {
			if (step()) throw new Crash("unlink");
			nodeFs.unlinkSync(p);
		},
	};
	return { fs, crashed: () => dead };
}

describe("a crash at every file-system call", () => {
	it("always leaves a loadable checkpoint holding every update whose set() returned", async () => {
		// Two opens (create, then resume with a torn line and recovery paths) with sets,
		// overwrites, counters and several compactions in between.
		const script: Array<[PassName, string, RecordState]> = [];
		for (let i = 0; i < 24; i++) script.push(["customers", `c${i % 7}`, { s: "sent", attempts: i + 1 }]);
		let crashAt = 1;
		let completed = false;
		for (; !completed && crashAt < 400; crashAt++) {
			const { cleanup: clean, dir: runDir } = tempDir();
			const runPath = join(runDir, "c.checkpoint.json");
			const acked = new Map<string, number>();
			const { fs, crashed } = crashingFs(crashAt);
			let store: CheckpointStore | undefined;
			try {
				for (const [round, slice] of [script.slice(0, 12), script.slice(12)].entries()) {
					store = (
						await openCheckpoint({
							path: runPath,
							isOwnTakenOver: true,
							fs,
							compactEvery: 3,
							create: () => header(),
						})
					).store;
					for (const [pass, key, state] of slice) {
						store.set(pass, key, state);
						acked.set(key, state.s === "sent" ? state.attempts : 0);
						store.addCounters({ requests: 1 });
					}
					if (round === 1) await store.close();
				}
				completed = true;
			} catch (error) {
				if (!crashed()) throw error;
			}
			// Loads with the real file system, as the next process would.
			const data = await readCheckpoint(runPath);
			if (acked.size > 0) expect(data).toBeDefined();
			expect(data?.recoveredFrom).toBeUndefined();
			for (const [key, attempts] of acked) {
				const state = data?.records.customers.get(key);
				expect(state?.s === "sent" && state.attempts >= attempts, `crash at call ${crashAt}, ${key}`).toBe(
					true,
				);
			}
			// And the next process can open it for writing and carry on.
			const reopened = await openCheckpoint({ path: runPath, isOwnTakenOver: true, create: () => header() });
			await reopened.store.close();
			clean();
		}
		expect(completed).toBe(true);
		expect(crashAt).toBeGreaterThan(60); // every call of a realistic run was a crash point
	}, 60_000);
});
