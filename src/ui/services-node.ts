import { access, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { createClient } from "../api/client.js";
import { clientLimitsFromEnv } from "../api/client-limits.js";
import { startImportRun } from "../app/apply-import.js";
import { planImport } from "../app/plan-import.js";
import { startUndoRun, undoPlanOf } from "../app/undo.js";
import type { Settings } from "../config/settings.js";
import { readCheckpoint, summarizeCheckpoint } from "../core/checkpoint/index.js";
import { PASSES, type PassName } from "../model/records.js";
import {
	describeFormat,
	detectEncoding,
	distinctValues,
	formatProblem,
	listSheets,
	loadMap,
	sampleFile,
	validateSources,
} from "../source/index.js";
import { envKeysFrom } from "./model/key-choices.js";
import type { CheckpointInfo, UiServices } from "./services.js";

export interface NodeServicesOptions {
	readonly folder: string;
	readonly baseUrl: string;
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Variables whose keys the key step offers (`--key-env`). @default ["PIVOTAL_API_KEY"] */
	readonly keyVariables?: readonly string[] | undefined;
	readonly settings: Settings;
	/** @default Date.now */
	readonly now?: () => number;
	/** @default 60000 */
	readonly windowMs?: number | undefined;
}

/** The real modules behind the TUI's injected services. */
export function nodeServices(options: NodeServicesOptions): UiServices {
	const now = options.now ?? Date.now;
	return {
		folder: options.folder,
		baseUrl: options.baseUrl,
		env: options.env,
		envKeys: envKeysFrom(options.env, options.keyVariables),
		settings: options.settings,
		now,
		windowMs: options.windowMs,
		onInterrupt(listener) {
			// While the TUI runs, these end the run gracefully (the checkpoint saved, exit 3) instead
			// of killing it mid-request; a closed terminal or a dropped SSH session sends SIGHUP.
			process.on("SIGTERM", listener);
			process.on("SIGHUP", listener);
			return () => {
				process.off("SIGTERM", listener);
				process.off("SIGHUP", listener);
			};
		},
		createClient: (apiKey) =>
			createClient({ baseUrl: options.baseUrl, apiKey, now, ...clientLimitsFromEnv(process.env) }),
		startImport: (request, lanes, runOptions) =>
			startImportRun(request.opened, request.planned, lanes, { ...request.options, ...runOptions }),
		async checkSources(files, source) {
			const check = await validateSources(files, { ...source, maxProblems: 50 });
			const formats = Object.fromEntries(
				PASSES.map((pass) => {
					const format = check.formats[pass];
					// The map sits beside the CSV: its name is enough on a line this narrow.
					const shown = format?.map === undefined ? format : { ...format, map: basename(format.map) };
					return [pass, shown === undefined ? undefined : describeFormat(shown)];
				}),
			) as Record<PassName, string | undefined>;
			return {
				counts: check.counts,
				fingerprints: check.fingerprints,
				problemCount: check.problemCount,
				problems: check.problems.map(formatProblem),
				mapFingerprints: check.mapFingerprints,
				formats,
			};
		},
		async planSync(files, source, checkpointPath, fresh, rules) {
			const state = fresh ? undefined : await readCheckpoint(checkpointPath);
			// The plan step's counts are the ones the CLI's dry run shows: the same app function.
			const planned = await planImport({ files, source: source ?? {}, state }, { rules, preview: true });
			return planned.plan;
		},
		async planUndo(checkpointPath, scope = { kind: "last" }) {
			const state = await readCheckpoint(checkpointPath);
			if (!state)
				throw new Error(`There is no import state at ${checkpointPath}, so there is nothing to undo.`);
			// As the undo itself will: an interrupted last run is the one "last" takes back.
			return { plan: undoPlanOf(state, scope).plan, workspace: state.header.workspace?.name };
		},
		startUndo: (request, lanes, runOptions) =>
			startUndoRun(request.undo, lanes, { ...request.options, ...runOptions }),
		detectEncoding: (file) => detectEncoding(file),
		listSheets: (file) => listSheets(file),
		async sampleSource(file, source, which) {
			const sample = await sampleFile(file, source, which === "not-ascii" ? 3 : 20, which);
			const formatLine =
				sample.format === undefined
					? ""
					: describeFormat({
							encoding: sample.format.encoding.label,
							encodingSource: sample.format.encoding.source,
							delimiter: sample.format.delimiter,
							isDelimiterForced: sample.format.isDelimiterForced,
							...(sample.format.sheet === undefined ? {} : { sheet: sample.format.sheet }),
							ignored: [],
						});
			return { ...sample, formatLine };
		},
		distinctValues: (file, columns, source) => distinctValues(file, columns, source),
		async loadMap(path) {
			try {
				await access(path);
			} catch {
				return undefined;
			}
			return loadMap(path);
		},
		async readCheckpoint(path): Promise<CheckpointInfo | undefined> {
			const data = await readCheckpoint(path);
			if (!data) return undefined;
			const counts = summarizeCheckpoint(data);
			const sources = Object.fromEntries(
				PASSES.map((pass) => [pass, data.header.sources[pass]?.path]),
			) as Record<PassName, string | undefined>;
			return {
				path,
				runId: data.header.runId,
				keyFingerprint: data.header.keyFingerprint,
				updatedAt: data.updatedAt,
				sources,
				counts: Object.fromEntries(
					PASSES.map((pass) => [
						pass,
						{
							done: counts[pass].done,
							failed: counts[pass].failed,
							total: data.header.sources[pass]?.rows ?? counts[pass].total,
						},
					]),
				) as CheckpointInfo["counts"],
			};
		},
		writeFile: (path, text) => writeFile(path, text, { mode: 0o600 }),
	};
}
