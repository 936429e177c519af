/**
 * The sync plan as people are shown it, by the plan step on a narrow terminal and by the dry
 * run's text report alike (`report/plan-text.ts`): one row of counts per pass, the field changes
 * with before → after, and the onboardings whose phase makes Pivotal fire its automations.
 * Plain text, no React.
 */

import type { FieldChange } from "../../core/plan/field-diff.js";
import type { PassPlan, SyncPlan } from "../../core/plan/make-plan.js";
import { PASSES, type PassName } from "../../model/records.js";

export interface PlanRow {
	readonly pass: PassName;
	readonly rows: number;
	/** Created, or looked up first and created when not found. */
	readonly create: number;
	readonly update: number;
	readonly unchanged: number;
	readonly blocked: number;
	/** Failed for good earlier with the same request: left as they are. */
	readonly failed: number;
	/** Deleted in Pivotal since the last sync: not created again. */
	readonly gone: number;
	/** In the state, no longer in the file: reported, never deleted. */
	readonly notInFiles: number;
}

/** The plan table's columns: [header, width]; the first is left-aligned. 75 columns in all. */
export const PLAN_COLUMNS = [
	["pass", 12],
	["rows", 6],
	["create", 7],
	["update", 7],
	["unchanged", 10],
	["blocked", 8],
	["failed", 7],
	["gone", 5],
	["not in files", 13],
] as const;

/** The counts of a row, in the columns' order (after `pass`). */
export const PLAN_COUNTS = [
	"rows",
	"create",
	"update",
	"unchanged",
	"blocked",
	"failed",
	"gone",
	"notInFiles",
] as const satisfies readonly (keyof PlanRow)[];

/** One row per pass that has rows or records left in the state. */
export function planRows(plan: SyncPlan): readonly PlanRow[] {
	return PASSES.filter(
		(pass) =>
			plan.passes[pass].rows > 0 ||
			plan.passes[pass].notInFiles + (plan.passes[pass].unansweredNotInFiles ?? 0) > 0,
	).map((pass) => {
		const p = plan.passes[pass];
		return {
			pass,
			rows: p.rows,
			// A record read back (its last write in doubt) may need its PATCH again: never a create.
			create: p.ops.create + p.ops.match - (p.readBack ?? 0),
			update: p.ops.update + (p.readBack ?? 0),
			unchanged: p.ops.unchanged,
			blocked: p.ops.blocked,
			failed: p.ops.kept - p.gone,
			gone: p.gone,
			// Sent with no answer and gone from the file: in the state, not in the file, as the others.
			notInFiles: p.notInFiles + (p.unansweredNotInFiles ?? 0),
		};
	});
}

/** A value as the plan shows it: strings quoted, nothing as `(none)`, long ones cut. */
export function shownValue(value: unknown, max = 30): string {
	if (value === undefined || value === null) return "(none)";
	const text = JSON.stringify(value);
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `name "Acme" → "Acme Corp"`, values cut at `max` characters. */
export function changeText(change: FieldChange, max?: number): string {
	const after = change.isCleared ? "(cleared)" : shownValue(change.after, max);
	return `${change.field} ${shownValue(change.before, max)} → ${after}`;
}

/** `name 2, status 1`: the fields a pass updates, most changed first. */
export function updatedFields(p: PassPlan): string {
	return Object.entries(p.fields)
		.sort((a, b) => b[1] - a[1])
		.map(([field, n]) => `${field} ${n}`)
		.join(", ");
}

export interface ChangeLines {
	/** `customers crm-1003 · name "Acme" → "Acme Corp"; status "trial" → "active"` */
	readonly lines: readonly string[];
	/** Updates planned beyond those shown. */
	readonly more: number;
}

/** The first `max` updates across the passes, in pass order, each on one line. */
export function changeLines(plan: SyncPlan, max: number): ChangeLines {
	const lines: string[] = [];
	let total = 0;
	for (const pass of PASSES) {
		const p = plan.passes[pass];
		total += p.ops.update;
		for (const example of p.examples) {
			if (lines.length >= max) break;
			lines.push(`${pass} ${example.key} · ${example.changes.map((c) => changeText(c)).join("; ")}`);
		}
	}
	return { lines, more: Math.max(0, total - lines.length) };
}

export interface AutomationView {
	readonly count: number;
	/** `crm-1005/Go-live → launch`, the first few. */
	readonly examples: readonly string[];
}

/** Creates and updates that put onboardings into `launch` or `completed`. */
export function automationView(plan: SyncPlan): AutomationView {
	let count = 0;
	const examples: string[] = [];
	for (const pass of PASSES) {
		const p = plan.passes[pass];
		count += p.automationCount;
		for (const a of p.automations) examples.push(`${a.key} → ${a.phase}`);
	}
	// The list is cut at a few per pass: say how many it leaves out.
	if (count > examples.length) examples.push(`and ${count - examples.length} more`);
	return { count, examples };
}

/** The warning's sentence: Pivotal fires Slack, calendar and e-mail automations on these phases. */
export function automationSentence(count: number): string {
	return `${count} onboarding${count === 1 ? " enters" : "s enter"} launch or completed: Pivotal fires its automations.`;
}

/** Records without state that are looked up in Pivotal before anything is created (a first sync). */
export function matchCount(plan: SyncPlan): number {
	return PASSES.reduce((n, pass) => n + plan.passes[pass].ops.match - (plan.passes[pass].readBack ?? 0), 0);
}

export interface PlanNote {
	readonly kind: "change" | "more" | "warn" | "warn-detail" | "note";
	readonly text: string;
}

/**
 * What the plan step says under the table, within `budget` lines: the automation warning
 * first (it is why a person reads the plan), then the first field changes with a line for the
 * rest, the phases that fire automations, and the look-ups a first sync makes.
 */
export function planNotes(plan: SyncPlan, budget: number): readonly PlanNote[] {
	const auto = automationView(plan);
	const updates = PASSES.reduce((n, pass) => n + plan.passes[pass].ops.update, 0);
	const examples = changeLines(plan, Number.POSITIVE_INFINITY).lines;
	let left = Math.max(0, budget - (auto.count > 0 ? 1 : 0));
	const notes: PlanNote[] = [];
	if (updates > 0 && left > 0) {
		let shown = Math.min(examples.length, left);
		const needsMore = updates > shown;
		if (needsMore && shown + 1 > left) shown = left - 1;
		for (const text of examples.slice(0, shown)) notes.push({ kind: "change", text });
		if (needsMore)
			notes.push({
				kind: "more",
				text: shown > 0 ? `… and ${updates - shown} more to update` : `${updates} to update`,
			});
		left -= shown + (needsMore ? 1 : 0);
	}
	if (auto.count > 0) {
		notes.push({ kind: "warn", text: automationSentence(auto.count) });
		if (left > 0 && auto.examples.length > 0) {
			notes.push({ kind: "warn-detail", text: auto.examples.join(" · ") });
			left -= 1;
		}
	}
	const matches = matchCount(plan);
	if (matches > 0 && left > 0) {
		notes.push({
			kind: "note",
			text: `${matches} without state ${matches === 1 ? "is" : "are"} looked up in Pivotal first (adopted when found).`,
		});
		left -= 1;
	}
	const ambiguous = PASSES.reduce((n, pass) => n + (plan.passes[pass].ambiguous ?? 0), 0);
	if (ambiguous > 0 && left > 0) {
		notes.push({
			kind: "warn",
			text: `${ambiguous} matched several records in Pivotal on the last run (ambiguous_match): adopted only where one is left.`,
		});
		left -= 1;
	}
	const landed = landedLines(
		"",
		PASSES.reduce((n, pass) => n + (plan.passes[pass].landed ?? 0), 0),
		PASSES.reduce((n, pass) => n + (plan.passes[pass].landedRemade ?? 0), 0),
	);
	for (const text of landed.slice(0, left)) notes.push({ kind: "warn", text });
	return notes;
}

/**
 * Creates Pivotal said landed whose records the last run did not find (`landed_not_found`): what
 * the run does with them, after `prefix` (a pass's name, or nothing). Counted with the creates.
 */
export function landedLines(prefix: string, landed: number, remade: number): string[] {
	const are = (n: number) => (n === 1 ? "is" : "are");
	return [
		...(landed > 0
			? [
					`${prefix}${landed} whose create Pivotal said landed, not found since (landed_not_found), ${are(landed)} looked up again and never sent a second time: each fails again until found (import --recreate makes ${landed === 1 ? "it" : "them"} anew).`,
				]
			: []),
		...(remade > 0
			? [
					`${prefix}${remade} whose create Pivotal said landed, not found since, ${are(remade)} looked up once more and made anew where still not found (--recreate).`,
				]
			: []),
	];
}

/**
 * What the plan's footer says when it sends nothing: that every record is as the files have it
 * only when that is so; records deleted in Pivotal, blocked under them, or failed before are
 * said, with the flag that takes them up (the wizard has none of its own for them).
 */
export function nothingToSendNote(plan: SyncPlan): string {
	const gone = PASSES.reduce((n, pass) => n + plan.passes[pass].gone, 0);
	const blocked = PASSES.reduce((n, pass) => n + plan.passes[pass].ops.blocked, 0);
	const failed = PASSES.reduce((n, pass) => n + plan.passes[pass].ops.kept - plan.passes[pass].gone, 0);
	if (gone + blocked + failed === 0) return "every record is as the files have it";
	const parts = [
		...(gone > 0 ? [`${gone} deleted in Pivotal (made again by import --recreate)`] : []),
		...(blocked > 0 ? [`${blocked} blocked under a missing customer`] : []),
		...(failed > 0 ? [`${failed} failed before (sent again by import --retry-failed)`] : []),
	];
	return `nothing to send: ${parts.join(", ")}`;
}
