import { basename } from "node:path";
import { isTestKey, maskKey } from "../api/key.js";
import { connectKeys } from "../app/connect-keys.js";
import { baseUrlOf } from "../app/connection.js";
import { keysFromEnv } from "../app/env-keys.js";
import { openUndo, startUndoRun } from "../app/undo.js";
import { undoDecision } from "../app/undo-decision.js";
import { defaultCheckpointPath } from "../core/engine.js";
import { unreachable } from "../core/events.js";
import { EXIT } from "../core/exit-codes.js";
import type { PostgresState } from "../core/state/pg-state.js";
import { escapeControls } from "../model/terminal-text.js";
import { undoPlanText } from "../report/undo-text.js";
import { createsInDoubtNote, keptPart, landedNotFoundNote, notTakenBackNote } from "../ui/model/undo-view.js";
import { ask, CANCELLED } from "./ask.js";
import { driveHeadless, finishHeadless, isPersonAtTerminal } from "./headless-run.js";
import type { CommandIo } from "./import-command.js";
import type { RunFlags } from "./run-flags.js";
import { withImportState } from "./state-location.js";

export interface UndoFlags extends RunFlags {
	/** `--all`: take back every run of the import, not only the most recent one. */
	readonly all: boolean;
	/** `--previous`: right after an undo finished a run, take back the run before it. */
	readonly previous?: boolean;
	readonly dryRun: boolean;
}

/** `pivotal-tui undo CUSTOMERS.csv`: plan from the state, confirm, then delete and put back. */
export async function runUndoCommand(customers: string, flags: UndoFlags, io: CommandIo): Promise<number> {
	return withImportState(customers, flags, io, (given, pg) => undoWith(customers, given, io, pg));
}

async function undoWith(
	customers: string,
	flags: UndoFlags,
	io: CommandIo,
	pg?: PostgresState,
): Promise<number> {
	const say = (text: string) => (flags.json ? io.stderr : io.stdout).write(`${text}\n`);
	const refuse = (message: string, code: number) => {
		io.stderr.write(`${message}\n`);
		return code;
	};
	const opened = await openUndo({
		statePath: pg?.where ?? flags.checkpoint ?? defaultCheckpointPath(customers),
		database: pg,
		baseUrl: baseUrlOf(flags.baseUrl, io.env),
		scope: flags.all ? { kind: "all" } : { kind: "last", previous: flags.previous === true },
	});
	if (!opened.ok) return refuse(opened.message, opened.code);
	const undo = opened.value;
	if (flags.json)
		io.stdout.write(
			`${JSON.stringify({ type: "undo-plan", runs: undo.plan.runs, counts: undo.plan.counts, ...(undo.plan.kept === undefined ? {} : { kept: undo.plan.kept }) })}\n`,
		);
	else
		io.stdout.write(
			undoPlanText(undo.plan, undo.workspace, {
				state: undo.statePath,
				madeFrom: undo.madeFrom,
				lastRun: undo.lastRun,
			}),
		);
	// A state named with --checkpoint whose import was made from another file: said before any
	// confirmation (a mistyped path in a script takes back another import: finding U18).
	if (
		flags.checkpoint !== undefined &&
		undo.madeFrom !== undefined &&
		basename(undo.madeFrom) !== basename(customers) &&
		undo.changes > 0
	)
		say(
			`Note: ${escapeControls(flags.checkpoint)} is the state of the import made from ${escapeControls(basename(undo.madeFrom))}, not ${escapeControls(basename(customers))}: this undo takes back that import's run.`,
		);
	// Creates of an interrupted run that got no answer may be in Pivotal: an undo cannot name them.
	const one = undo.createsInDoubt === 1;
	const doubts = createsInDoubtNote(undo.createsInDoubt, undo.interrupted);
	const lookUpFirst = `Run the import again first: it looks ${one ? "it" : "them"} up and records what it finds, and undo then takes ${one ? "it" : "them"} back with the rest.`;
	// Under --yes there is no "first" left: what following the advice after this undo costs is said
	// (the import makes again what this undo takes back; adversarial finding AC5).
	// Those Pivotal said landed and the import has not found since: a run of it finds them no
	// better, and the advice is what does (adversarial finding AF3).
	const landed = landedNotFoundNote(undo.landedNotFound, undo.createsInDoubt);
	const areAllLanded = undo.landedNotFound >= undo.createsInDoubt;
	if (doubts !== undefined && undo.changes > 0)
		say(
			areAllLanded
				? `${doubts} ${landed}`
				: `${doubts} ${
						flags.yes && !flags.dryRun
							? `This undo goes on with the rest (--yes). To take ${one ? "it" : "them"} back too, run the import again, which makes again what this undo takes back, then undo again.`
							: lookUpFirst
					}${landed === undefined ? "" : ` ${landed}`}`,
		);
	const envKeys = keysFromEnv(flags.keyEnv ?? [], io.env);
	const isTerminal = isPersonAtTerminal(io, flags.json);
	const decision = undoDecision({
		changes: undo.changes,
		isDryRun: flags.dryRun,
		areKeysSound: envKeys.ok,
		isTerminal,
		isHeadless: flags.headless,
		isConfirmed: flags.yes,
		areTestKeys: envKeys.ok && envKeys.value.every((k) => isTestKey(k.secret)),
		workspace: undo.workspace,
	});
	switch (decision.kind) {
		case "nothing-to-do":
			// Not "changed nothing": what it sent with no answer may be there (adversarial finding U5).
			if (doubts !== undefined) {
				say(
					`Nothing undone: ${doubts} ${areAllLanded ? "" : `${lookUpFirst} `}${landed === undefined ? "" : `${landed} `}Nothing was sent.`,
				);
				return EXIT.usage;
			}
			// Only records it keeps: not "nothing to undo", nor exit 0 (adversarial finding AG2).
			if (undo.plan.kept !== undefined) {
				const said = `Nothing undone: ${keptPart(undo.plan.kept)}. Nothing was sent.`;
				say(said);
				if (io.report) io.report.shortOf = said;
				return EXIT.someFailed;
			}
			say(
				undo.interrupted !== undefined && !flags.all
					? `Nothing to undo: run ${undo.interrupted} of this import was interrupted before it changed anything in Pivotal; run the import again to finish it, or take back every run with --all.`
					: "Nothing to undo: no run of this import created or changed a record that is still there.",
			);
			return EXIT.ok;
		case "dry-run":
			say("Dry run: nothing was sent.");
			return EXIT.ok;
		case "refuse-keys":
			return envKeys.ok ? EXIT.usage : refuse(envKeys.message, envKeys.code);
		case "refuse-unconfirmed":
			return refuse(
				"Undo deletes records in Pivotal: review the plan above, then run the same command with --yes.",
				EXIT.usage,
			);
		case "confirm":
			if (!envKeys.ok) return EXIT.usage;
			{
				const refused = await confirmUndo(envKeys.value, decision.expected, undo.workspace);
				if (refused !== undefined) {
					say(refused);
					return EXIT.usage;
				}
			}
			break;
		case "run":
			break;
		default:
			return unreachable(decision);
	}
	if (!envKeys.ok) return EXIT.usage;
	const lanes = await connectKeys(envKeys.value, {
		baseUrl: undo.baseUrl,
		env: io.env,
		warn: (text) => io.stderr.write(`${text}\n`),
	});
	if (!lanes.ok) return refuse(lanes.message, lanes.code);
	if (io.signal?.aborted) return EXIT.interrupted;
	const run = startUndoRun(undo, lanes.value, {
		...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
		...(flags.window === undefined ? {} : { windowMs: flags.window * 1000 }),
	});
	const driven = await driveHeadless(run, lanes.value, io, { ...flags, noun: "undo" });
	if ("code" in driven) return driven.code;
	const code = await finishHeadless(run, driven, io, {
		title: "Undo",
		withSession: true,
		isShortOfAll: undo.createsInDoubt > 0 || undo.plan.kept !== undefined,
	});
	// What it could not take back is not "taken back", nor exit 0 (adversarial finding AD5).
	const notTakenBack = notTakenBackNote(undo.createsInDoubt, undo.plan.kept);
	if (code !== EXIT.ok || notTakenBack === undefined) return code;
	say(notTakenBack);
	// The Markdown summary and the notification say it too (adversarial finding AI3).
	if (io.report) io.report.shortOf = notTakenBack;
	return EXIT.someFailed;
}

/**
 * A live workspace is named back; a test key's undo takes `yes`. Undefined when confirmed, else
 * the sentence to end with.
 */
async function confirmUndo(
	keys: readonly { readonly secret: string }[],
	expected: string,
	workspace: string | undefined,
): Promise<string | undefined> {
	const answer = await ask(
		`Undo with ${keys.map((k) => maskKey(k.secret)).join(", ")}? Type ${expected === "yes" ? "yes" : `the workspace name (${workspace})`} to go on: `,
	);
	if (answer === undefined) return CANCELLED;
	return answer.trim() === expected ? undefined : "Nothing was sent.";
}
