/**
 * Child process for the SIGKILL test: opens (or resumes) the checkpoint at argv[2] and sets
 * records in a tight loop from index argv[3], printing each index on stdout only after its
 * `set()` returned. Compacts often, so kills also land mid-compaction. Runs until killed.
 */
import { writeSync } from "node:fs";
import { openCheckpoint } from "../../../src/core/checkpoint/index.js";
import { keyOf } from "./crash-keys.js";

async function main(path: string, start: number): Promise<void> {
	const { store } = await openCheckpoint({
		path,
		compactEvery: 10,
		create: () => ({
			runId: "crash-run",
			createdAt: new Date().toISOString(),
			keyFingerprint: "sha256:00000000deadbeef",
			baseUrl: "http://127.0.0.1:1/api/v1",
			sources: { customers: undefined, contacts: undefined, onboardings: undefined },
		}),
	});
	writeSync(1, "ready\n");
	for (let i = start; ; i++) {
		const { pass, key } = keyOf(i);
		store.set(pass, key, { s: "sent", attempts: i });
		if (i % 5 === 0) store.addCounters({ requests: 1 });
		// Synchronous: once this returns, the parent may rely on index i.
		writeSync(1, `${i}\n`);
	}
}

// Only ever run as a script (nothing imports this file), but refuse arguments it does not expect.
const [path, start] = process.argv.slice(2);
if (path === undefined || !/^\d+$/.test(start ?? "")) {
	process.stderr.write("usage: crash-child <checkpoint path> <start index>\n");
	process.exit(2);
}
await main(path, Number(start));
