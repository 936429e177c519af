import * as fs from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { CheckpointHeader } from "../../../src/core/checkpoint/index.js";
import type { RecordState } from "../../../src/model/records.js";
import { removeDir, tempDir as sharedTempDir } from "../../support/temp-dirs.js";

/**
 * A fresh directory under the OS temp dir; removed by the returned `cleanup`, and after the test
 * file in any case (a test that throws before its cleanup leaves nothing either).
 */
export function tempDir(): { readonly dir: string; readonly cleanup: () => void } {
	const dir = sharedTempDir("pivotal-checkpoint-");
	return { dir, cleanup: () => removeDir(dir) };
}

/**
 * A folder of its own and the checkpoint path in it for every test of the file, removed after the
 * test; `onEach` is told them before each test.
 */
export function checkpointPerTest(
	onEach: (made: { readonly dir: string; readonly path: string }) => void,
): void {
	let cleanup = () => {};
	beforeEach(() => {
		const made = tempDir();
		cleanup = made.cleanup;
		onEach({ dir: made.dir, path: join(made.dir, "customers.csv.checkpoint.json") });
	});
	afterEach(() => cleanup());
}

export function header(overrides: Partial<CheckpointHeader> = {}): CheckpointHeader {
	return {
		runId: "run-0001",
		createdAt: "2025-01-31T12:00:00.000Z",
		keyFingerprint: "sha256:0123456789abcdef",
		baseUrl: "http://127.0.0.1:4010/api/v1",
		sources: {
			customers: { path: "customers.csv", sha256: "ab".repeat(32), rows: 3 },
			contacts: undefined,
			onboardings: undefined,
		},
		...overrides,
	};
}

export const sent = (attempts = 1): RecordState => ({ s: "sent", attempts });
export const created = (id: string, attempts = 1): RecordState => ({
	s: "done",
	outcome: "created",
	id,
	attempts,
});
/** Created by run 1 with its values written: a name and the external id. */
export const createdWithValues = (id: string, name: string): RecordState => ({
	s: "done",
	attempts: 1,
	id,
	outcome: "created",
	v: { name, metadata: { external_id: id } },
	r: 1,
	did: "created",
});
export const existed = (id: string): RecordState => ({ s: "done", outcome: "existed", id, attempts: 1 });
export const failed = (code = "validation_failed", retryable = false): RecordState => ({
	s: "failed",
	status: 422,
	code,
	message: "name is required",
	field: "name",
	attempts: 1,
	retryable,
});
export const blocked = (parentKey: string): RecordState => ({ s: "blocked", parentKey });

/** Lines of a file, without the empty string after the final newline. */
export function linesOf(path: string): string[] {
	return fs.readFileSync(path, "utf8").split("\n").slice(0, -1);
}
