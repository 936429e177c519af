import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { CheckpointFileSystem } from "../../../src/core/checkpoint/index.js";
import { acquireLock, type LockOwner } from "../../../src/core/checkpoint/lock-file.js";
import { checkpointPerTest } from "./helpers.js";

let dir: string;
let path: string;
checkpointPerTest((made) => {
	({ dir, path } = made);
});

/** Two runs on one host, 1001 and 1002, both alive; 999 is a run that died holding the lock. */
const ALIVE = new Set([1001, 1002]);
const owner = (pid: number): LockOwner => ({
	pid,
	host: "here",
	now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
	isRunning: (p) => ALIVE.has(p),
});

/**
 * node:fs, except that the first time the lock file is read, `meanwhile` runs: the other run
 * acting between this one's look at the dead holder and what it does about it.
 */
function interleaved(meanwhile: () => void): CheckpointFileSystem {
	let isDone = false;
	return {
		...(fs as unknown as CheckpointFileSystem),
		openSync: (p: string, flags: string | number, mode?: number) => fs.openSync(p, flags, mode),
		readFileSync: (p: string) => {
			const bytes = fs.readFileSync(p);
			if (!isDone && p.endsWith(".lock")) {
				isDone = true;
				meanwhile();
			}
			return bytes;
		},
	};
}

describe("taking over a dead run's lock", () => {
	it("two runs that both saw the dead holder: exactly one wins, the other is refused naming it", () => {
		fs.writeFileSync(`${path}.lock`, "999\n");
		let releaseB: (() => void) | undefined;
		const fsA = interleaved(() => {
			releaseB = acquireLock(fs as unknown as CheckpointFileSystem, path, owner(1002));
		});
		let error: unknown;
		try {
			acquireLock(fsA, path, owner(1001));
		} catch (e) {
			error = e;
		}
		expect(releaseB).toBeDefined();
		expect(error).toMatchObject({ code: "locked" });
		expect((error as Error).message).toBe(
			`The checkpoint ${path} is in use by another pivotal-tui (pid 1002 on here, since 2026-01-02T03:04:05.000Z); nothing was sent: let that run finish or stop it, then run again.`,
		);
		// B's lock is intact, and nothing but it is left beside the state.
		expect(JSON.parse(fs.readFileSync(`${path}.lock`, "utf8"))).toMatchObject({ pid: 1002, host: "here" });
		expect(fs.readdirSync(dir)).toEqual(["customers.csv.checkpoint.json.lock"]);
		releaseB?.();
		expect(fs.readdirSync(dir)).toEqual([]);
	});

	it("a lock of a run on another host is never taken as dead", () => {
		fs.writeFileSync(
			`${path}.lock`,
			JSON.stringify({ pid: 999, host: "elsewhere", since: "2026-01-01T00:00:00.000Z" }),
		);
		expect(() => acquireLock(fs as unknown as CheckpointFileSystem, path, owner(1001))).toThrow(
			/pid 999 on elsewhere, since 2026-01-01T00:00:00.000Z/,
		);
	});

	it("a release removes only its own lock, not one a later run took over", () => {
		const release = acquireLock(fs as unknown as CheckpointFileSystem, path, owner(1001));
		fs.writeFileSync(`${path}.lock`, JSON.stringify({ pid: 1002, host: "here", token: "other" }));
		release();
		expect(fs.existsSync(`${path}.lock`)).toBe(true);
	});
});
