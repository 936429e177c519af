/**
 * The Markdown summary of a run, for a CI job's page (`$GITHUB_STEP_SUMMARY`) or `--summary-md
 * FILE`: the outcome, a per-pass table of counts, the failures by code with their first few
 * records, and on a dry run the plan's changes. Every untrusted string is escaped as a cell.
 */

import { EDITED_IN_PIVOTAL, NOT_IN_PIVOTAL } from "../core/plan/sync-rules.js";
import type { PassSummary } from "../core/run-types.js";
import { PASSES } from "../model/records.js";
import { markdownCell, plainText } from "./report-text.js";
import { outcomeOf, problemOf, type RunReport } from "./run-report.js";
import { syncOutcomes } from "./sync-outcomes.js";

/** Records shown per failure code; the rest are counted. */
const EXAMPLES_PER_CODE = 3;

const TITLES: Record<RunReport["command"], string> = { import: "Import", apply: "Apply", undo: "Undo" };

export function summaryMarkdown(report: RunReport, code: number): string {
	const lines: string[] = [];
	const title = report.dryRun ? `${TITLES[report.command]} plan (dry run)` : TITLES[report.command];
	const where = [report.workspace, report.host].filter(Boolean).map((s) => markdownCell(s ?? "", 80));
	lines.push(`### pivotal-tui ${title}${where.length > 0 ? `: ${where.join(" · ")}` : ""}`, "");
	lines.push(`**Outcome:** ${outcomeOf(code, report.dryRun)} (exit ${code})`);
	if (report.shortOf) lines.push("", `> ${markdownCell(report.shortOf, 600)}`);
	else if (report.summary?.message) lines.push("", `> ${markdownCell(report.summary.message, 300)}`);
	else if (code !== 0 && code !== 5 && report.lastProblem)
		lines.push("", `> ${markdownCell(problemOf(report) ?? "", 300)}`);
	lines.push("");
	if (report.plan) lines.push(...planSection(report), ...planRulesSection(report));
	else if (report.summary) lines.push(...runSection(report), ...runRulesSection(report));
	return `${lines.join("\n")}\n`;
}

function runSection(report: RunReport): string[] {
	const summary = report.summary;
	if (!summary) return [];
	// An undo deletes and puts back; an import or an apply creates and updates.
	// Rows `--only` left out, when there are any: counted nowhere else (finding X5).
	const isSkipping = PASSES.some((pass) => (summary.passes[pass].skipped ?? 0) > 0);
	const columns: readonly (keyof PassSummary)[] =
		report.command === "undo"
			? ["total", "deleted", "restored", "unchanged", "failed", "pending"]
			: [
					"total",
					"created",
					"existed",
					"updated",
					"unchanged",
					...(isSkipping ? (["skipped"] as const) : []),
					"failed",
					"blocked",
					"pending",
				];
	// An undo's `unchanged` are records it left as they are: every field edited in Pivotal since.
	const undoNames: Partial<Record<string, string>> = { total: "planned", unchanged: "kept" };
	const header = columns.map((c) =>
		report.command === "undo" ? (undoNames[c] ?? c) : c === "total" ? "source" : c,
	);
	const lines = [`| pass | ${header.join(" | ")} |`, `| --- |${" ---: |".repeat(columns.length)}`];
	for (const pass of PASSES) {
		const p = summary.passes[pass];
		if (p.total === 0 && p.checkpointDone === 0) continue;
		// "source" is the files' rows: the deletes the run planned are no rows of them.
		lines.push(
			`| ${pass} | ${columns.map((c) => (c === "total" && report.command !== "undo" ? p.total - (p.deletes ?? 0) : p[c])).join(" | ")} |`,
		);
	}
	lines.push("", runRequestsLine(summary, report.session));
	const failures = report.failures ?? [];
	// Notes of the sync rules are counted in their own table (syncSection), not as failures (finding Y8).
	const codes = Object.entries(summary.failuresByCode)
		.filter(([code]) => code !== NOT_IN_PIVOTAL && code !== EDITED_IN_PIVOTAL)
		.sort((a, b) => b[1] - a[1]);
	if (codes.length > 0) {
		lines.push("", "#### Failures by code", "", "| code | records | first records |", "| --- | ---: | --- |");
		for (const [code, count] of codes) {
			const examples = failures
				.filter((f) => f.code === code)
				.slice(0, EXAMPLES_PER_CODE)
				.map((f) =>
					markdownCell(`${f.pass} ${f.key} (line ${f.line}): ${f.status ?? "no answer"} ${f.message}`),
				)
				.join("<br>");
			lines.push(`| ${markdownCell(code, 60)} | ${count} | ${examples} |`);
		}
	}
	return lines;
}

function planSection(report: RunReport): string[] {
	const plan = report.plan;
	if (!plan) return [];
	const lines = [
		"| pass | rows | create | match | update | unchanged | blocked | kept | skipped | delete |",
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
	];
	for (const pass of PASSES) {
		const p = plan.passes[pass];
		if (p.rows === 0 && (p.deleteCount ?? 0) === 0) continue;
		const o = p.ops;
		lines.push(
			`| ${pass} | ${p.rows} | ${o.create} | ${o.match} | ${o.update} | ${o.unchanged} | ${o.blocked} | ${o.kept} | ${o.skipped} | ${p.deleteCount ?? 0} |`,
		);
	}
	lines.push(
		"",
		`${plan.requests} request${plan.requests === 1 ? "" : "s"}.${report.planFile ? ` Plan saved to \`${plainText(report.planFile, 120).replace(/`/g, "'")}\`.` : ""}`,
	);
	const examples = PASSES.flatMap((pass) => plan.passes[pass].examples.map((e) => ({ pass, ...e })));
	if (examples.length > 0) {
		lines.push(
			"",
			"#### Changes (first few)",
			"",
			"| record | field | before | after |",
			"| --- | --- | --- | --- |",
		);
		for (const example of examples) {
			for (const change of example.changes) {
				lines.push(
					`| ${markdownCell(`${example.pass} ${example.key} (line ${example.line})`)} | ${markdownCell(change.field, 60)} | ${valueCell(change.before)} | ${change.isCleared ? "*(cleared)*" : valueCell(change.after)} |`,
				);
			}
		}
	}
	return lines;
}

/** A dry run: what the sync rules would do, and the records `--delete-missing` would delete. */
function planRulesSection(report: RunReport): string[] {
	const outcomes = syncOutcomes(report);
	const plan = report.plan;
	if (outcomes?.kind !== "plan" || !plan) return [];
	const lines = [
		"",
		"#### Sync rules",
		"",
		"| pass | to delete | not_in_pivotal | fields cleared (records) | reads before update |",
		"| --- | ---: | ---: | ---: | ---: |",
	];
	for (const pass of PASSES) {
		const o = outcomes.passes[pass];
		if (o) lines.push(`| ${pass} | ${o.toDelete} | ${o.notInPivotal} | ${o.cleared} | ${o.reads} |`);
	}
	const deletes = PASSES.flatMap((pass) => plan.passes[pass].deletes ?? []);
	if (deletes.length > 0) {
		lines.push(
			"",
			"#### To delete (--delete-missing, children first)",
			"",
			"| record | id |",
			"| --- | --- |",
		);
		// Children first, as they are sent.
		for (const pass of [...PASSES].reverse()) {
			const p = plan.passes[pass];
			for (const planned of p.deletes ?? [])
				lines.push(`| ${markdownCell(`${pass} ${planned.key}`)} | ${markdownCell(planned.copy.id, 60)} |`);
			const more = (p.deleteCount ?? 0) - (p.deletes?.length ?? 0);
			if (more > 0) lines.push(`| ${pass}: …and ${more} more | |`);
		}
	}
	return lines;
}

/** A run: what the sync rules did (deleted, not created, fields kept). */
function runRulesSection(report: RunReport): string[] {
	const outcomes = syncOutcomes(report);
	if (outcomes?.kind !== "run") return [];
	const lines = [
		"",
		"#### Sync rules",
		"",
		"| pass | deleted | not_in_pivotal | fields kept (edited_in_pivotal) |",
		"| --- | ---: | ---: | ---: |",
	];
	for (const pass of PASSES) {
		const o = outcomes.passes[pass];
		if (o) lines.push(`| ${pass} | ${o.deleted} | ${o.notInPivotal} | ${o.editedInPivotal} |`);
	}
	return lines;
}

/** A field's value as a cell; an empty one says so in our own words, which need no escaping. */
function valueCell(value: unknown): string {
	if (value === undefined || value === null || value === "") return "*(empty)*";
	return markdownCell(typeof value === "string" ? value : JSON.stringify(value), 60);
}

/** This run's requests, with the import's total beside when earlier runs sent some too. */
function runRequestsLine(
	summary: { readonly requests: number; readonly retries: number; readonly rateLimited: number },
	session: RunReport["session"],
): string {
	const own = session ?? summary;
	const allRuns =
		summary.requests > own.requests ? ` (${summary.requests} over every run of the import)` : "";
	return `${own.requests} requests${allRuns}, ${own.retries} retries, ${own.rateLimited} rate-limited.`;
}
