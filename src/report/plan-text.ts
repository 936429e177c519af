/**
 * The plan a dry run prints, as Terraform prints one: counts first, then what changes. The rows
 * and the change lines are the plan step's (`ui/model/plan-view.ts`); a log has room for every
 * detail, so this face lists each pass's in full.
 */

import type { SyncPlan } from "../core/plan/make-plan.js";
import { PASSES } from "../model/records.js";
import {
	changeText,
	landedLines,
	PLAN_COLUMNS,
	PLAN_COUNTS,
	planRows,
	updatedFields,
} from "../ui/model/plan-view.js";
import { unansweredLine } from "../ui/model/unanswered-line.js";
import { syncRuleLines, syncRulesHeader } from "./plan-rules-text.js";

/** Values cut at this many characters: a log line has room for more than a screen's. */
const SHOWN = 40;

/** The screen's columns, each number a character wider: one space more between them. */
const WIDTHS = PLAN_COLUMNS.map(([, width], i) => (i === 0 ? width : width + 1));

function tableLine(cells: readonly (string | number)[]): string {
	return cells
		.map((c, i) => (i === 0 ? String(c).padEnd(WIDTHS[i]!) : String(c).padStart(WIDTHS[i]!)))
		.join("")
		.trimEnd();
}

export function planText(plan: SyncPlan): string {
	const lines: string[] = [];
	const ruled = syncRulesHeader(plan.rules);
	if (ruled) lines.push(ruled);
	lines.push(tableLine(PLAN_COLUMNS.map(([header]) => header)));
	for (const row of planRows(plan)) lines.push(tableLine([row.pass, ...PLAN_COUNTS.map((key) => row[key])]));
	for (const pass of PASSES) {
		const p = plan.passes[pass];
		const readBack = p.readBack ?? 0;
		const lookedUp = p.ops.match - readBack;
		if (lookedUp > 0) {
			lines.push(
				`${pass}: ${lookedUp} without state ${lookedUp === 1 ? "is" : "are"} looked up in Pivotal first (${matchOutcome(plan.rules?.only)}).`,
			);
		}
		const ambiguous = p.ambiguous ?? 0;
		if (ambiguous > 0) {
			lines.push(
				`${pass}: ${ambiguous} matched several records in Pivotal on the last run (ambiguous_match): ${ambiguous === 1 ? "it is" : "they are"} looked up again and adopted only where one is left, never created beside them.`,
			);
		}
		const remade = p.remade ?? 0;
		if (remade > 0 && pass !== "onboardings") {
			lines.push(
				`${pass}: ${remade} deleted before ${remade === 1 ? "is" : "are"} made again; each is looked up first, and one Pivotal holds again (${pass === "customers" ? "its external id" : "its e-mail under its customer"}) is reported exists_again and left, not made twice.`,
			);
		}
		lines.push(...landedLines(`${pass}: `, p.landed ?? 0, p.landedRemade ?? 0));
		const inDoubt = p.inDoubt ?? 0;
		// Counted under create, which they may not be (adversarial finding AH10).
		if (inDoubt > 0)
			lines.push(
				`${pass}: ${inDoubt} whose create got no answer in an earlier run (in doubt) ${inDoubt === 1 ? "is" : "are"} looked up in Pivotal or sent again under the same idempotency key, which Pivotal answers with what a send of it made: never made twice (counted under create).`,
			);
		if (readBack > 0) {
			lines.push(
				`${pass}: ${readBack} whose last update is in doubt (a run stopped with it out) ${readBack === 1 ? "is" : "are"} read back from Pivotal and corrected where ${readBack === 1 ? "it differs" : "they differ"} (counted under update).`,
			);
		}
		if (p.ops.update > 0) {
			lines.push(`${pass}: ${p.ops.update} to update (${updatedFields(p)})`);
			for (const example of p.examples) {
				const changes = example.changes.map((c) => changeText(c, SHOWN)).join("; ");
				lines.push(`  ${example.key} (line ${example.line}): ${changes}`);
			}
			lines.push(...more(p.ops.update, p.examples.length));
		}
		if (p.automationCount > 0) {
			lines.push(
				`${pass}: ${p.automationCount} enter launch or completed — Pivotal fires its automations (Slack, calendar, e-mail):`,
			);
			for (const a of p.automations) lines.push(`  ${a.key} (line ${a.line}): phase → ${a.phase}`);
			lines.push(...more(p.automationCount, p.automations.length));
		}
		if (p.slugCount !== undefined && p.slugs !== undefined && p.slugCount > 0) {
			lines.push(
				`${pass}: ${p.slugCount} without a slug get one derived from the name (unique in the file; suffixed if Pivotal has it for another customer):`,
			);
			for (const s of p.slugs) lines.push(`  ${s.key} (line ${s.line}): slug ${s.slug}`);
			lines.push(...more(p.slugCount, p.slugs.length));
		}
		if (p.notInFiles > 0 && !plan.rules?.deleteMissing) {
			lines.push(
				`${pass}: ${p.notInFiles} in the state but no longer in the file: reported, never deleted by import.`,
			);
		}
		if (p.unansweredNotInFiles) lines.push(`${pass}: ${unansweredLine(p.unansweredNotInFiles)}`);
		lines.push(...syncRuleLines(pass, p, plan.rules));
	}
	return `${lines.join("\n")}\n`;
}

/** The line under a list cut short. */
function more(count: number, shown: number): string[] {
	return count > shown ? [`  …and ${count - shown} more`] : [];
}

/** What becomes of a row looked up in Pivotal, under `--only`. */
function matchOutcome(only: "create" | "update" | undefined): string {
	if (only === "update") return "adopted and updated when found, else reported not_in_pivotal, never created";
	if (only === "create") return "adopted as Pivotal has it when found, else created";
	return "adopted and corrected when found, else created";
}
