/**
 * `pivotal-tui apply PLAN.json`: carry out a saved plan exactly as reviewed, with the import's
 * engine (paced, retried, checkpointed, idempotent). Before anything is sent: the plan file is
 * checked as untrusted input; its files, map and state must be the ones it was made from (or its
 * own apply, interrupted, is resumed); the planner must give the very operations it lists; and
 * the server and workspace must be its own.
 */

import { maskKey } from "../api/key.js";
import { planWorkspaceProblem, startPlanRun, verifyLocated } from "../app/apply-plan.js";
import { connectKeys } from "../app/connect-keys.js";
import { keysFromEnv } from "../app/env-keys.js";
import { outputPathProblem } from "../app/output-paths.js";
import { EXIT } from "../core/exit-codes.js";
import { CHANGED_FILE_STOP } from "../core/import-passes.js";
import { type LocatedPlan, locatePlan } from "../core/plan/open-plan.js";
import { changeCount } from "../core/plan/plan-file.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { isPostgresUrl } from "../core/state/pg-url.js";
import { PASSES } from "../model/records.js";
import { hostOf } from "../report/run-report.js";
import { ask, CANCELLED } from "./ask.js";
import { driveHeadless, finishHeadless, isPersonAtTerminal } from "./headless-run.js";
import type { CommandIo } from "./import-command.js";
import type { RunFlags } from "./run-flags.js";
import { stateFlagProblem, withPostgresState } from "./state-location.js";

/**
 * `--checkpoint`: the state file, when it is not where the plan says (another checkout's layout);
 * `--state`: a plan made with a database state, its URL (else `PIVOTAL_STATE_URL`), or the state
 * file; `--name` and `--base-url` must be the plan's when given.
 */
export interface ApplyFlags extends RunFlags {
	readonly failuresCsv?: string | undefined;
	readonly resultsCsv?: string | undefined;
	readonly summaryMd?: string | undefined;
}

export async function runApplyCommand(planPath: string, flags: ApplyFlags, io: CommandIo): Promise<number> {
	const refuse = (sentence: string, code: number = EXIT.usage) => {
		io.stderr.write(`${sentence}\n`);
		return code;
	};
	const flagProblem = stateFlagProblem(flags);
	if (flagProblem) return refuse(`${flagProblem} Nothing was sent.`);
	const given = flags.state ?? io.env.PIVOTAL_STATE_URL;
	const database = given !== undefined && given !== "" && isPostgresUrl(given) ? given : undefined;
	const stateFile = flags.checkpoint ?? (database === undefined && flags.state ? flags.state : undefined);
	const located = await locatePlan(planPath, {
		statePath: stateFile,
		baseUrl: flags.baseUrl ?? io.env.PIVOTAL_API_URL,
	});
	if (!located.ok) return refuse(`${located.sentence} Nothing was sent.`);
	const planState = located.plan.state;
	if (planState.kind !== "postgres") {
		// A file plan reads its file; a database named only by the environment is not this plan's.
		if (flags.state !== undefined && database !== undefined)
			return refuse(
				`${planPath} was made against the state file ${planState.path ?? ""}, not a database; apply it with that file (--checkpoint FILE) or plan again with --state. Nothing was sent.`,
			);
		if (flags.name !== undefined)
			return refuse(`--name goes with a plan made against a database state. Nothing was sent.`);
		return applyWith(located, undefined, planPath, flags, io);
	}
	const name = planState.name ?? "";
	if (database === undefined)
		return refuse(
			`${planPath} was made against the import ${JSON.stringify(name)} in a database: give its URL with --state postgres://… or PIVOTAL_STATE_URL. Nothing was sent.`,
		);
	if (flags.name !== undefined && flags.name !== name)
		return refuse(
			`${planPath} was made for the import ${JSON.stringify(name)}, not ${JSON.stringify(flags.name)}; drop --name or plan again. Nothing was sent.`,
		);
	// Locked before the plan is checked: no other run moves the state between the check and the sends.
	return withPostgresState({ kind: "postgres", url: database, name }, flags, io.stderr, (pg) =>
		applyWith({ ...located, statePath: pg.where }, pg, planPath, flags, io),
	);
}

async function applyWith(
	located: LocatedPlan,
	pg: PostgresState | undefined,
	planPath: string,
	flags: ApplyFlags,
	io: CommandIo,
): Promise<number> {
	const refuse = (sentence: string, code: number = EXIT.usage) => {
		io.stderr.write(`${sentence}\n`);
		return code;
	};
	const { plan, files, statePath, mapPath, baseUrl } = located;
	if (io.report) {
		io.report.host = hostOf(baseUrl) ?? "";
		if (plan.workspace) io.report.workspace = plan.workspace.name;
	}
	const inputs = [
		...PASSES.flatMap((pass) => {
			const file = files[pass];
			return file ? [{ what: `the ${pass} file`, path: file }] : [];
		}),
		...(mapPath ? [{ what: "the map", path: mapPath }] : []),
		...(pg ? [] : [{ what: "the state", path: statePath }]),
	];
	const clash = outputPathProblem(
		[
			...(flags.failuresCsv ? [{ what: "--failures-csv", path: flags.failuresCsv }] : []),
			...(flags.resultsCsv ? [{ what: "--results-csv", path: flags.resultsCsv }] : []),
			...(flags.summaryMd ? [{ what: "--summary-md", path: flags.summaryMd }] : []),
			// Checked before anything is sent, as an import's is (adversarial finding V5).
			...(io.env.GITHUB_STEP_SUMMARY
				? [{ what: "$GITHUB_STEP_SUMMARY", path: io.env.GITHUB_STEP_SUMMARY }]
				: []),
		],
		[...inputs, { what: "the plan", path: planPath }],
	);
	if (clash) return refuse(`${clash} Nothing was sent.`);
	io.report?.inputs.push(...inputs);
	const opened = await verifyLocated(located, pg);
	if (!opened.ok) return refuse(opened.message, opened.code);
	const envKeys = keysFromEnv(flags.keyEnv ?? [], io.env);
	if (!envKeys.ok) return refuse(envKeys.message, envKeys.code);
	const keys = envKeys.value;
	const changes = changeCount(plan.counts);
	const say = (text: string) => (flags.json ? io.stderr : io.stdout).write(`${text}\n`);
	const isInteractive = isPersonAtTerminal(io, flags.json);
	if (isInteractive && !flags.yes && !flags.headless) {
		const answer = await ask(
			`Apply ${planPath} (${changes} records to create, change or delete, ${plan.requests} requests) to ${hostOf(baseUrl)} with ${keys.map((k) => maskKey(k.secret)).join(", ")}? [y/N] `,
		);
		if (answer === undefined || !/^y(es)?$/i.test(answer.trim())) {
			say(answer === undefined ? CANCELLED : "Nothing was sent.");
			return EXIT.usage;
		}
	}
	const lanes = await connectKeys(keys, {
		baseUrl,
		env: io.env,
		warn: (text) => io.stderr.write(`${text}\n`),
	});
	if (!lanes.ok) return refuse(lanes.message, lanes.code);
	const problem = await planWorkspaceProblem(opened.value, lanes.value);
	if (problem) {
		await Promise.all(lanes.value.map((lane) => lane.client.close()));
		return refuse(problem.message, problem.code);
	}
	if (io.signal?.aborted) return EXIT.interrupted;
	if (opened.value.freshness === "resume") say(`Resuming the interrupted apply of ${planPath}.`);
	const run = startPlanRun(opened.value, lanes.value, {
		...(flags.window === undefined ? {} : { windowMs: flags.window * 1000 }),
		...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
	});
	const driven = await driveHeadless(run, lanes.value, io, flags);
	if ("code" in driven) return driven.code;
	return finishHeadless(run, driven, io, {
		title: "Apply",
		read: opened.value,
		// The same apply again would be refused as stale: the files are no longer the plan's.
		resume: (summary) =>
			summary.message?.endsWith(CHANGED_FILE_STOP)
				? "The files changed after the plan was made: plan again (pivotal-tui import … --dry-run --plan-out FILE), review it, and apply the new plan."
				: undefined,
		failuresCsv: flags.failuresCsv,
		resultsCsv: flags.resultsCsv,
		// This apply's own requests, as the JSON summary gives them; the import's total beside.
		withSession: true,
	});
}
