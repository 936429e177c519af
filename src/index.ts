/**
 * `import … from "pivotal-tui"`: the application layer the CLI and the wizard call — open an
 * import, plan it, apply it with typed progress events, undo it, apply a saved plan — and a
 * local Pivotal simulator for tests and rehearsals. Nothing here loads Ink or React.
 */

export { type ApplyImportOptions, applyImport, type RunOptions, startImportRun } from "./app/apply-import.js";
export {
	type ApplyPlanOptions,
	applyPlan,
	type OpenedPlan,
	type OpenPlanOptions,
	openPlan,
	startPlanRun,
} from "./app/apply-plan.js";
export { type ConnectOptions, connectKeys, keysOf } from "./app/connect-keys.js";
export { type ConnectStateOptions, connectState, type HeldState } from "./app/connect-state.js";
export { baseUrlOf, DEFAULT_BASE_URL } from "./app/connection.js";
export { type EnvKey, type KeysOutcome, keysFromEnv } from "./app/env-keys.js";
export { type ImportDecision, type ImportDecisionInput, importDecision } from "./app/import-decision.js";
export { defaultKeyLimit, defaultPoolLimit, LIVE_KEY_LIMIT, TEST_KEY_LIMIT } from "./app/key-limits.js";
export {
	type OpenedImport,
	type OpenImportOptions,
	openImport,
	problemLines,
	type SkippedRows,
} from "./app/open-import.js";
export type { Outcome, Refusal } from "./app/outcome.js";
export { type PlanImportOptions, type PlannedImport, planImport } from "./app/plan-import.js";
export type { DatabaseState, StateOptions } from "./app/read-state.js";
export { type RunSources, writeRunFailures, writeRunResults } from "./app/run-files.js";
export { type KeyOptions, onLanes } from "./app/run-lanes.js";
export { type SavePlanOptions, savePlanFile } from "./app/save-plan.js";
export type { SourceReadOptions } from "./app/source-options.js";
export {
	type ApplyUndoOptions,
	applyUndo,
	type OpenedUndo,
	type OpenUndoOptions,
	openUndo,
	startUndoRun,
	undoPlanOf,
} from "./app/undo.js";
export {
	confirmationWord,
	type UndoDecision,
	type UndoDecisionInput,
	undoDecision,
} from "./app/undo-decision.js";
export type {
	ImportEvent,
	ImportEventType,
	RecordOutcome,
	RunOutcome,
	WaitReason,
	WindowSource,
} from "./core/events.js";
export { EXIT, exitCodeFor } from "./core/exit-codes.js";
export type { SyncPlan } from "./core/plan/make-plan.js";
export type { SyncRules } from "./core/plan/sync-rules.js";
export { initialSnapshot, type ProgressSnapshot, reduceProgress } from "./core/progress.js";
export type {
	FailureDetail,
	ImportRun,
	ImportSummary,
	KeyLane,
	PassSummary,
	SourceFiles,
} from "./core/run-types.js";
export type { UndoPlan, UndoScope } from "./core/undo/undo-plan.js";
export { PASSES, type PassName } from "./model/records.js";
export type { SimCounters } from "./sim/counters.js";
export type { SimKeySpec, SimulatorOptions } from "./sim/options.js";
export type { SimStateDump } from "./sim/sim-engine.js";
export { type Simulator, startSimulator } from "./sim/simulator.js";
