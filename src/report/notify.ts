/**
 * `--notify URL`: one POST of a JSON summary when a run ends, however it ends. Slack incoming
 * webhooks read its `text`; other receivers read the fields beside it. One attempt, bounded by a
 * short timeout, never redirected: a chat being down must not hold a CI job, and a failure is one
 * warning line. A webhook URL is itself a secret (its path is the token), so only its host is
 * ever shown.
 */

import { PASSES, type PassName } from "../model/records.js";
import { plainText, slackText } from "./report-text.js";
import { outcomeOf, problemOf, type RunOutcomeName, type RunReport } from "./run-report.js";
import { type SyncOutcomes, syncOutcomes, syncTotals } from "./sync-outcomes.js";

/** @default 4000: long enough for a chat API, short enough not to hold a CI job. */
export const NOTIFY_TIMEOUT_MS = 4000;

export interface NotifyPayload {
	/** Slack-compatible message text (mrkdwn, escaped). */
	readonly text: string;
	readonly command: RunReport["command"];
	readonly outcome: RunOutcomeName;
	readonly exitCode: number;
	readonly dryRun: boolean;
	readonly host: string | null;
	readonly workspace: string | null;
	/** Per pass: a run's outcome counts, or a dry run's operations. */
	readonly counts: Partial<Record<PassName, Readonly<Record<string, number>>>>;
	readonly requests: number | null;
	/** Requests over every run of the import (null: a dry run, or a refusal). */
	readonly requestsAllRuns: number | null;
	readonly failuresByCode: Readonly<Record<string, number>>;
	/** Why the run refused or stopped, when it did (one sentence, cleaned). */
	readonly message: string | null;
	/**
	 * What the sync rules did (a run: deleted, notInPivotal, editedInPivotal) or would do (a dry
	 * run: toDelete, notInPivotal, cleared, reads), per pass and in total; null when no rule did anything.
	 */
	readonly syncRules: {
		readonly kind: SyncOutcomes["kind"];
		readonly passes: SyncOutcomes["passes"];
		readonly totals: Readonly<Record<string, number>>;
	} | null;
}

/** The sync rules' totals as words in the message. */
function rulesTally(outcomes: SyncOutcomes | undefined): string | undefined {
	if (!outcomes) return undefined;
	const t = syncTotals(outcomes);
	const words =
		outcomes.kind === "run"
			? [
					[t.deleted, "deleted"],
					[t.notInPivotal, "not in Pivotal"],
					[t.editedInPivotal, "with fields kept (edited in Pivotal)"],
				]
			: [
					[t.toDelete, "to delete"],
					[t.notInPivotal, "not in Pivotal"],
					[t.cleared, "with fields to clear"],
				];
	const parts = words.filter(([n]) => (n as number) > 0).map(([n, what]) => `${n} ${what}`);
	return parts.length > 0 ? `sync rules: ${parts.join(", ")}` : undefined;
}

const ICONS: Record<RunOutcomeName, string> = {
	finished: ":white_check_mark:",
	planned: ":memo:",
	"some-failed": ":warning:",
	refused: ":no_entry:",
	interrupted: ":double_vertical_bar:",
	"auth-refused": ":lock:",
	"plan-has-changes": ":memo:",
	locked: ":hourglass:",
	error: ":x:",
};

export function notifyPayload(report: RunReport, code: number): NotifyPayload {
	const outcome = outcomeOf(code, report.dryRun);
	const counts: Partial<Record<PassName, Record<string, number>>> = {};
	for (const pass of PASSES) {
		const p = report.summary?.passes[pass];
		if (report.plan && report.plan.passes[pass].rows > 0) counts[pass] = { ...report.plan.passes[pass].ops };
		else if (p && p.total + p.checkpointDone > 0) {
			const { total, created, existed, updated, unchanged, deleted, restored, failed, blocked, pending } = p;
			counts[pass] =
				report.command === "undo"
					? { total, deleted, restored, kept: unchanged, failed, pending }
					: { total, created, existed, updated, unchanged, failed, blocked, pending };
		}
	}
	const rawMessage =
		report.shortOf ?? report.summary?.message ?? (code === 0 || code === 5 ? undefined : problemOf(report));
	const message = rawMessage === undefined ? null : plainText(rawMessage, 300);
	const name = report.dryRun ? `${report.command} plan` : report.command;
	const where = [report.workspace, report.host].filter(Boolean).join(" · ");
	const tally = Object.entries(counts)
		.map(([pass, c]) =>
			report.plan
				? `${pass}: ${c.create} create, ${c.update} update, ${c.match} match`
				: report.command === "undo"
					? `${pass}: ${c.deleted} deleted, ${c.restored} restored, ${c.kept ? `${c.kept} kept, ` : ""}${c.failed} failed`
					: // Blocked and pending said when there are some, as the run's headline does (finding Y11).
						`${pass}: ${c.created} created, ${c.updated} updated, ${c.failed} failed${c.blocked ? `, ${c.blocked} blocked` : ""}${c.pending ? `, ${c.pending} pending` : ""}`,
		)
		.join("; ");
	const rules = syncOutcomes(report);
	const rulesLine = rulesTally(rules);
	const text = [
		`${ICONS[outcome]} pivotal-tui ${slackText(name, 40)} *${outcome}* (exit ${code})${where ? ` — ${slackText(where, 120)}` : ""}`,
		...(tally ? [slackText(tally, 400)] : []),
		...(rulesLine ? [slackText(rulesLine, 200)] : []),
		...(rawMessage ? [slackText(rawMessage, 300)] : []),
	].join("\n");
	return {
		text,
		command: report.command,
		outcome,
		exitCode: code,
		dryRun: report.dryRun ?? false,
		host: report.host ?? null,
		workspace: report.workspace ? plainText(report.workspace, 120) : null,
		counts,
		// This run's requests (a dry run's: the plan's); the import's total beside.
		requests: report.session?.requests ?? report.summary?.requests ?? report.plan?.requests ?? null,
		requestsAllRuns: report.summary?.requests ?? null,
		failuresByCode: Object.fromEntries(
			Object.entries(report.summary?.failuresByCode ?? {}).map(([c, n]) => [plainText(c, 60), n]),
		),
		message,
		syncRules: rules ? { kind: rules.kind, passes: rules.passes, totals: syncTotals(rules) } : null,
	};
}

/** One sentence for a `--notify` value that is not a URL to post to, or undefined. */
export function notifyUrlProblem(value: string): string | undefined {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return "--notify needs an http(s) URL (a Slack incoming webhook, or any endpoint taking a JSON POST).";
	}
	if (url.protocol !== "https:" && url.protocol !== "http:")
		return `--notify needs an http(s) URL, not ${url.protocol.replace(/:$/, "")}.`;
	return undefined;
}

/**
 * A URL's `user:password@` as Basic authorization, as curl and most webhook senders send it:
 * fetch refuses a URL that carries them (adversarial finding O8), and they would be no secret in
 * a URL anyway. Neither is ever shown: messages name the host alone.
 */
function withoutCredentials(url: string): { readonly target: string; readonly authorization?: string } {
	const parsed = new URL(url);
	if (parsed.username === "" && parsed.password === "") return { target: url };
	const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
	parsed.username = "";
	parsed.password = "";
	return { target: parsed.href, authorization: `Basic ${Buffer.from(pair, "utf8").toString("base64")}` };
}

/** POST the payload once. Resolves with a warning sentence when it did not arrive, else undefined. */
export async function postNotification(
	url: string,
	payload: NotifyPayload,
	timeoutMs: number = NOTIFY_TIMEOUT_MS,
): Promise<string | undefined> {
	const host = (() => {
		try {
			return new URL(url).host;
		} catch {
			return "the --notify URL";
		}
	})();
	try {
		const { target, authorization } = withoutCredentials(url);
		const response = await fetch(target, {
			method: "POST",
			headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
			body: JSON.stringify(payload),
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs),
		});
		await response.body?.cancel().catch(() => undefined);
		if (response.status >= 200 && response.status < 300) return undefined;
		return `Could not notify ${host}: it answered ${response.status}; the run's outcome is unchanged.`;
	} catch (error) {
		const name = (error as Error).name;
		const cause = (error as { cause?: { code?: string } }).cause?.code;
		const why =
			name === "TimeoutError" || name === "AbortError"
				? `no answer within ${Math.round(timeoutMs / 1000)} s`
				: (cause ?? "the request failed");
		return `Could not notify ${host}: ${why}; the run's outcome is unchanged.`;
	}
}
