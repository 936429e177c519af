/**
 * Opening a saved plan for `apply`, in two steps that send nothing: `locatePlan` reads the file
 * (untrusted: checked in `read-plan-file.ts`) and finds its inputs from its own folder;
 * `verifyPlan` proves they are still what it was made from — the files' and map's bytes, the
 * state's fingerprint (or the plan's own apply, interrupted), rows that still validate, and the
 * planner giving again exactly the operations the file lists.
 */

import { DEFAULT_BASE_URL } from "../../api/client-options.js";
import { PASSES, type PassName } from "../../model/records.js";
import { formatProblem, parseMap, type SourceOptions, validateSources } from "../../source/index.js";
import {
	type CheckpointData,
	CheckpointError,
	readCheckpoint,
	sentenceWithoutFresh,
} from "../checkpoint/index.js";
import { otherServer, PLAN_MARK } from "../open-state.js";
import type { SourceCheckSummary, SourceFiles } from "../run-types.js";
import { bytesAndSha256Of, NotRegularFileError, sha256Of } from "../source-hash.js";
import { UNDONE_RUN } from "../undo/undo-plan.js";
import { OperationsDigest, type PlanHead, pathFromPlan, syncRulesOf } from "./plan-file.js";
import { planFreshness } from "./plan-freshness.js";
import { eachPlanOperation } from "./plan-operations.js";
import { readPlanFile } from "./read-plan-file.js";
import { stateFingerprint } from "./state-fingerprint.js";

export type Refusal = { readonly ok: false; readonly sentence: string };

export interface LocatedPlan {
	readonly ok: true;
	readonly planPath: string;
	readonly plan: PlanHead & { readonly digest: string };
	/** The digest of the operations the file lists (they are not kept in memory). */
	readonly operationsDigest: string;
	readonly files: SourceFiles;
	readonly statePath: string;
	readonly mapPath: string | undefined;
	readonly baseUrl: string;
}

export interface VerifiedPlan extends LocatedPlan {
	readonly source: SourceOptions;
	readonly check: SourceCheckSummary;
	readonly state: CheckpointData | undefined;
	/** `resume`: the state holds this plan's own apply, interrupted. */
	readonly freshness: "fresh" | "resume";
	/** `stateFingerprint` of the state as checked: the run refuses to start on another. */
	readonly stateSeen: string;
}

export interface LocateOptions {
	/** The state file when it is not where the plan says. @default the plan's */
	readonly statePath?: string | undefined;
	/** The server to send to; must be the plan's. @default the plan's */
	readonly baseUrl?: string | undefined;
}

/**
 * One spelling of an API root: its host in lower case, no default port, no trailing slash. A
 * plan naming `https://MY.PIVOTAL.APP:443/api/v1` names Pivotal's own API (adversarial finding P1).
 */
const trimmed = (url: string) => {
	try {
		return new URL(url).href.replace(/\/+$/, "");
	} catch {
		return url.replace(/\/+$/, "");
	}
};

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return "another server";
	}
}

export async function locatePlan(
	planPath: string,
	options: LocateOptions = {},
): Promise<LocatedPlan | Refusal> {
	const read = await readPlanFile(planPath);
	if (!read.ok) return { ok: false, sentence: read.message };
	const { plan } = read;
	const fromPlan = (path: string) => pathFromPlan(planPath, path);
	const files: SourceFiles = {
		customers: fromPlan(plan.files.customers?.path ?? ""),
		...(plan.files.contacts ? { contacts: fromPlan(plan.files.contacts.path) } : {}),
		...(plan.files.onboardings ? { onboardings: fromPlan(plan.files.onboardings.path) } : {}),
	};
	// A database state is opened by the caller (`--state`, `PIVOTAL_STATE_URL`): shown by its name here.
	const statePath =
		options.statePath ??
		(plan.state.path
			? fromPlan(plan.state.path)
			: plan.state.kind === "postgres"
				? `the import ${plan.state.name ?? ""}`
				: undefined);
	if (statePath === undefined)
		return {
			ok: false,
			sentence: `${planPath} was made against a state that is not a file; give it with --checkpoint.`,
		};
	// The file is untrusted and its digest anyone can make again: it never chooses where the key
	// goes. Pivotal's own API, or a server the user names as well (adversarial finding O6).
	if (options.baseUrl === undefined && trimmed(plan.baseUrl) !== trimmed(DEFAULT_BASE_URL))
		return {
			ok: false,
			sentence: `${planPath} was made for ${hostOf(plan.baseUrl)}, not Pivotal's own API; the key goes only to a server you name: give --base-url ${new URL(plan.baseUrl).href} (or PIVOTAL_API_URL) to apply it there.`,
		};
	const baseUrl = options.baseUrl ?? plan.baseUrl;
	if (trimmed(baseUrl) !== trimmed(plan.baseUrl))
		return {
			ok: false,
			sentence: `${planPath} was made for ${hostOf(plan.baseUrl)}, not ${hostOf(baseUrl)}; apply it against its own server or plan again.`,
		};
	const mapPath = plan.map ? fromPlan(plan.map.path) : undefined;
	return {
		ok: true,
		planPath,
		plan,
		operationsDigest: read.operationsDigest,
		files,
		statePath,
		mapPath,
		baseUrl,
	};
}

/**
 * `readState`: reads the state when it is not the file at `statePath` (a database import, opened
 * and locked by the caller). @default the checkpoint file
 */
export async function verifyPlan(
	located: LocatedPlan,
	readState: () => Promise<CheckpointData | undefined> = () => readCheckpoint(located.statePath),
): Promise<VerifiedPlan | Refusal> {
	const { plan, files, mapPath, planPath } = located;
	const observed = {} as Record<PassName, string | undefined>;
	// The plan names these paths, and the plan is untrusted: a pipe or a device is never read.
	let notAFile: string | undefined;
	const hashOf = (path: string) =>
		sha256Of(path).catch((error: unknown) => {
			if (error instanceof NotRegularFileError) notAFile ??= path;
			return "missing";
		});
	for (const pass of PASSES) {
		const file = files[pass];
		observed[pass] = file ? await hashOf(file) : undefined;
	}
	const mapNow = mapPath ? await hashOf(mapPath) : undefined;
	if (notAFile !== undefined)
		return {
			ok: false,
			sentence: `${notAFile} is not a regular file (a pipe, a device or a folder), and ${planPath} reads its inputs from files; plan again from the files themselves.`,
		};
	let state: CheckpointData | undefined;
	try {
		state = await readState();
	} catch (error) {
		if (!(error instanceof CheckpointError)) throw error;
		// apply takes no --fresh: a damaged state is set aside by an import.
		return { ok: false, sentence: sentenceWithoutFresh(error) };
	}
	// Before any key is used: a state made against another server is not this plan's to apply.
	if (state !== undefined && otherServer(state.header, located.baseUrl, located.statePath) !== undefined)
		return {
			ok: false,
			sentence: `${located.statePath} holds an import into ${hostOf(state.header.baseUrl)}, and ${located.planPath} would apply it to ${hostOf(located.baseUrl)}; plan again against the state's own server.`,
		};
	const stateSeen = stateFingerprint(state);
	// A state named that is not there (a mistyped --checkpoint) is said so, not taken for a change.
	if (state === undefined && plan.state.fingerprint !== stateSeen)
		return {
			ok: false,
			sentence: `no state at ${located.statePath}, and ${planPath} was made against one (${plan.state.path ?? plan.state.name ?? "its import's"}): name that state with ${plan.state.path ? "--checkpoint" : "--state and --name"}, or plan again.`,
		};
	const freshness = planFreshness(plan, {
		files: observed,
		map: mapNow,
		stateFingerprint: stateSeen,
		runs: state?.counters.runs ?? 0,
		runsFinished: state?.counters.runsFinished ?? 0,
		planMark: state?.counters[PLAN_MARK] ?? 0,
		undoneRun: state?.counters[UNDONE_RUN] ?? 0,
		statePath: located.statePath,
	});
	if (freshness.kind === "stale") return { ok: false, sentence: freshness.sentence };

	let source: SourceOptions = {
		...(plan.source.encoding ? { encoding: plan.source.encoding } : {}),
		...(plan.source.delimiter ? { delimiter: plan.source.delimiter } : {}),
	};
	if (mapPath) {
		// Parsed from the very bytes compared with the plan's: a map rewritten after the check above
		// is refused, never read in its new form (adversarial finding O12).
		const read = await bytesAndSha256Of(mapPath).catch(() => undefined);
		if (read === undefined || read.sha256 !== plan.map?.sha256)
			return {
				ok: false,
				sentence: `stale plan: the map ${mapPath} changed while the plan was checked; plan again.`,
			};
		const loaded = parseMap(mapPath, read.bytes.toString("utf8"));
		const first = loaded.ok ? undefined : loaded.problems[0];
		if (!loaded.ok)
			return {
				ok: false,
				sentence: `${first ? formatProblem(first) : `${mapPath} does not load`}; the plan's map no longer loads: plan again.`,
			};
		source = { ...source, map: loaded.map };
	}
	const check = await validateSources(files, source);
	if (check.problemCount > 0) {
		const first = check.problems[0];
		return {
			ok: false,
			sentence: `${first ? formatProblem(first) : "The input has problems"}; the plan's files no longer validate: plan again.`,
		};
	}
	// This read's digests are what the run's own read is held to, block by block: they must be the
	// plan's too, or a file rewritten between the hash above and this read would be sent unreviewed
	// (adversarial finding O12).
	for (const pass of PASSES) {
		const planned = plan.files[pass];
		if (planned && check.fingerprints[pass] !== planned.sha256)
			return {
				ok: false,
				sentence: `stale plan: the ${pass} file ${files[pass]} changed while the plan was checked; plan again.`,
			};
	}
	if (freshness.kind === "fresh") {
		// The same inputs give the same operations; a list that differs was edited, or is another version's.
		// Skipped rows, cleared fields, reads and deletes are operations too: they are compared alike.
		const again = new OperationsDigest();
		const replanned = await eachPlanOperation(
			{
				files,
				source,
				state,
				retryFailed: plan.options.retryFailed,
				recreate: plan.options.recreate,
				rules: syncRulesOf(plan.rules),
			},
			(entry) => again.add(entry),
		);
		if (replanned.refusal !== undefined) return { ok: false, sentence: replanned.refusal };
		if (again.digest() !== located.operationsDigest) {
			// The replan read the files once more: one rewritten since the check is the cause, not
			// the plan (adversarial finding P2).
			const changed = await changedSince(plan, files, hashOf);
			return {
				ok: false,
				sentence: changed
					? `stale plan: the ${changed.pass} file ${changed.path} changed while the plan was checked; plan again.`
					: `${planPath} lists operations that its files and state do not give (was it edited, or made by another version?); plan again.`,
			};
		}
	}
	return { ...located, source, check, state, freshness: freshness.kind, stateSeen };
}

/** The first of the plan's files whose bytes are no longer the plan's, if one is. */
async function changedSince(
	plan: LocatedPlan["plan"],
	files: SourceFiles,
	hashOf: (path: string) => Promise<string>,
): Promise<{ pass: PassName; path: string } | undefined> {
	for (const pass of PASSES) {
		const path = files[pass];
		if (path && (await hashOf(path)) !== plan.files[pass]?.sha256) return { pass, path };
	}
	return undefined;
}
