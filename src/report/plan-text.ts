import type { SyncPlan } from "../core/plan/make-plan.js";
import { PASSES } from "../model/records.js";
import { syncRuleLines, syncRulesHeader } from "./plan-rules-text.js";

/** A value as the plan shows it: strings quoted, nothing as "(none)". */
function shown(value: unknown): string {
	if (value === undefined || value === null) return "(none)";
	const text = JSON.stringify(value);
	return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** The plan a dry run prints, as Terraform prints one: counts first, then what changes. */
export function planText(plan: SyncPlan): string {
	const lines: string[] = [];
	const ruled = syncRulesHeader(plan.rules);
	if (ruled) lines.push(ruled);
	const header = [
		"pass",
		"rows",
		"create",
		"update",
		"unchanged",
		"blocked",
		"failed",
		"gone",
		"not in files",
	];
	const widths = [12, 7, 8, 8, 11, 9, 8, 6, 14];
	const row = (cells: readonly (string | number)[]) =>
		cells
			.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!)))
			.join("")
			.trimEnd();
	lines.push(row(header));
	for (const pass of PASSES) {
		const p = plan.passes[pass];
		if (p.rows === 0 && p.notInFiles === 0) continue;
		lines.push(
			row([
				pass,
				p.rows,
				p.ops.create + p.ops.match,
				p.ops.update,
				p.ops.unchanged,
				p.ops.blocked,
				p.ops.kept - p.gone,
				p.gone,
				p.notInFiles,
			]),
		);
	}
	for (const pass of PASSES) {
		const p = plan.passes[pass];
		if (p.ops.match > 0) {
			lines.push(
				`${pass}: ${p.ops.match} without state ${p.ops.match === 1 ? "is" : "are"} looked up in Pivotal first (${matchOutcome(plan.rules?.only)}).`,
			);
		}
		if (p.ops.update > 0) {
			const fields = Object.entries(p.fields)
				.sort((a, b) => b[1] - a[1])
				.map(([field, n]) => `${field} ${n}`)
				.join(", ");
			lines.push(`${pass}: ${p.ops.update} to update (${fields})`);
			for (const example of p.examples) {
				const changes = example.changes
					.map((c) => `${c.field} ${shown(c.before)} → ${c.isCleared ? "(cleared)" : shown(c.after)}`)
					.join("; ");
				lines.push(`  ${example.key} (line ${example.line}): ${changes}`);
			}
			if (p.ops.update > p.examples.length) lines.push(`  …and ${p.ops.update - p.examples.length} more`);
		}
		if (p.automationCount > 0) {
			lines.push(
				`${pass}: ${p.automationCount} enter launch or completed — Pivotal fires its automations (Slack, calendar, e-mail):`,
			);
			for (const a of p.automations) lines.push(`  ${a.key} (line ${a.line}): phase → ${a.phase}`);
			if (p.automationCount > p.automations.length)
				lines.push(`  …and ${p.automationCount - p.automations.length} more`);
		}
		if (p.slugCount !== undefined && p.slugs !== undefined && p.slugCount > 0) {
			lines.push(
				`${pass}: ${p.slugCount} without a slug get one derived from the name (unique in the file; suffixed if Pivotal has it for another customer):`,
			);
			for (const s of p.slugs) lines.push(`  ${s.key} (line ${s.line}): slug ${s.slug}`);
			if (p.slugCount > p.slugs.length) lines.push(`  …and ${p.slugCount - p.slugs.length} more`);
		}
		if (p.notInFiles > 0 && !plan.rules?.deleteMissing) {
			lines.push(
				`${pass}: ${p.notInFiles} in the state but no longer in the file: reported, never deleted by import.`,
			);
		}
		lines.push(...syncRuleLines(pass, p, plan.rules));
	}
	return `${lines.join("\n")}\n`;
}

/** What becomes of a row looked up in Pivotal, under `--only`. */
function matchOutcome(only: "create" | "update" | undefined): string {
	if (only === "update") return "adopted and updated when found, else reported not_in_pivotal, never created";
	if (only === "create") return "adopted as Pivotal has it when found, else created";
	return "adopted and corrected when found, else created";
}
