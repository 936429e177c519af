/** The engine's public face: start a run, and the defaults the CLI and the UI share. */
export {
	defaultCheckpointPath,
	defaultConcurrency,
	InputError,
	runImport,
	startImport,
} from "./import-run.js";
export type { StartOptions } from "./start-options.js";
