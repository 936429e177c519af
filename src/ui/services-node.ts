import { access, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { createClient } from "../api/client.js";
import { clientLimitsFromEnv } from "../api/client-limits.js";
import { startImportRun } from "../app/apply-import.js";
import { checkImport } from "../app/check-import.js";
import { type PlanImportOptions, planImport } from "../app/plan-import.js";
import { readStateHeld, stateHeldBy } from "../app/read-state.js";
import { createsInDoubtOf, landedNotFoundOf, startUndoRun, undoPlanOf } from "../app/undo.js";
import type { Settings } from "../config/settings.js";
import { RUNS } from "../core/checkpoint/checkpoint-format.js";
import { readCheckpoint, summarizeCheckpoint } from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import { stateFingerprint } from "../core/plan/state-fingerprint.js";
import { PASSES, type PassName } from "../model/records.js";
import {
	describeFormat,
	detectEncoding,
	distinctValues,
	formatProblem,
	listSheets,
	loadMap,
	sampleFile,
	type SourceCheck as ValidatedSources,
} from "../source/index.js";
import { envKeysFrom } from "./model/key-choices.js";
import { type CheckpointInfo, type SourceCheck, StateHeldError, type UiServices } from "./services.js";

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

/** The check as the plan step shows it: problems as lines, how each file was read. */
function wizardCheckOf(check: ValidatedSources): SourceCheck {
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
		known: check.known,
	};
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
		createClient: (apiKey, others = []) =>
			createClient({
				baseUrl: options.baseUrl,
				apiKey,
				alsoMasked: others,
				now,
				...clientLimitsFromEnv(process.env),
			}),
		startImport: (request, lanes, runOptions) =>
			startImportRun(request.opened, request.planned, lanes, { ...request.options, ...runOptions }),
		async checkAndPlan(files, source, checkpointPath, fresh, rules) {
			// The CLI's functions, in its order: the state, then one read that validates and plans.
			// Read under its lock, as the CLI reads it: a run that holds it is named now, not after
			// Enter, and its state is never read half-written (finding N10).
			const held = fresh ? stateHeldBy(checkpointPath) : undefined;
			if (held) throw new StateHeldError(held.message);
			const read = fresh ? undefined : await readStateHeld(checkpointPath, undefined);
			if (read !== undefined && !read.ok)
				throw read.code === EXIT.locked ? new StateHeldError(read.message) : new Error(read.message);
			const opened = { files, source: source ?? {}, state: read?.value };
			// The toggles count what each rule would change either way.
			const plan: PlanImportOptions = { rules, preview: true };
			const checked = await checkImport(opened, { plan, maxProblems: 50 });
			const check = { ...wizardCheckOf(checked.check), stateSeen: stateFingerprint(read?.value) };
			if (checked.planned === undefined) return { check };
			// planImport takes the plan made in the check's read (the same options object).
			return { check, plan: (await planImport({ ...opened, ...checked }, plan)).plan };
		},
		async planUndo(checkpointPath, scope = { kind: "last" }) {
			const state = await readCheckpoint(checkpointPath);
			if (!state)
				throw new Error(`There is no import state at ${checkpointPath}, so there is nothing to undo.`);
			// As the undo itself will: an interrupted last run is the one "last" takes back.
			const { plan, interrupted } = undoPlanOf(state, scope);
			return {
				plan,
				workspace: state.header.workspace?.name,
				lastRun: state.counters[RUNS] ?? 0,
				createsInDoubt: createsInDoubtOf(state),
				landedNotFound: landedNotFoundOf(state),
				interrupted,
			};
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
			const { runs = 0, runsFinished = 0 } = data.counters;
			const isFinished =
				runs > 0 && runsFinished >= runs && PASSES.every((pass) => counts[pass].inDoubt === 0);
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
							// The rows of the file the state was made from, or the records it holds since
							// (a sync of other files: adversarial finding U4), whichever is more.
							total: Math.max(data.header.sources[pass]?.rows ?? 0, counts[pass].total),
						},
					]),
				) as CheckpointInfo["counts"],
				isFinished,
				createsInDoubt: createsInDoubtOf(data),
			};
		},
		writeFile: (path, text) => writeFile(path, text, { mode: 0o600 }),
	};
}
