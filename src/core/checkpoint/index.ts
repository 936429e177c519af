export {
	CheckpointError,
	type CheckpointErrorCode,
	sentenceWithoutFresh,
} from "./checkpoint-error.js";
export {
	CHECKPOINT_FORMAT,
	CHECKPOINT_VERSION,
	type CheckpointCounters,
	type CheckpointData,
	type CheckpointHeader,
	RUNS,
	RUNS_FINISHED,
	type SourceFingerprint,
} from "./checkpoint-format.js";
export { CheckpointStore, DEFAULT_COMPACT_EVERY } from "./checkpoint-store.js";
export type { CheckpointFileSystem } from "./file-system.js";
export {
	type OpenOptions,
	type OpenResult,
	openCheckpoint,
	type ReadOptions,
	readCheckpoint,
} from "./open-checkpoint.js";
export { type PassCounts, summarizeCheckpoint } from "./pass-counts.js";
