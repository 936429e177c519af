/**
 * The sync rules as the plan step offers them: one toggle per rule, each with the count it
 * changes in this plan, and what pressing its key does to the rules. Plain data, no React.
 */

import type { SyncPlan } from "../../core/plan/make-plan.js";
import type { SyncRules } from "../../core/plan/sync-rules.js";
import { PASSES } from "../../model/records.js";

export type RuleName = "create-only" | "update-only" | "clear" | "keep-edits" | "delete";

export interface RuleToggle {
	readonly rule: RuleName;
	/** The key that flips it. */
	readonly key: string;
	readonly label: string;
	readonly isOn: boolean;
	/** What it changes in this plan: `3 updates left`, `2 records cleared`. */
	readonly effect: string;
}

const KEYS: Readonly<Record<RuleName, string>> = {
	"create-only": "c",
	"update-only": "u",
	clear: "e",
	"keep-edits": "k",
	delete: "d",
};

/** The rule a key flips, if any. */
export function ruleForKey(input: string): RuleName | undefined {
	return (Object.entries(KEYS) as [RuleName, string][]).find(([, key]) => key === input)?.[0];
}

/**
 * The rules after flipping one. `--only create` cannot go with the rules that guard or make
 * updates (there are none), so turning one on turns the other off.
 */
export function toggleRule(rules: SyncRules, rule: RuleName): SyncRules {
	const { only, empty, keepPivotalEdits, deleteMissing, maxDeletes } = rules;
	const next = { only, empty, keepPivotalEdits, deleteMissing, maxDeletes };
	switch (rule) {
		case "create-only":
			next.only = only === "create" ? undefined : "create";
			if (next.only === "create") {
				next.empty = undefined;
				next.keepPivotalEdits = undefined;
			}
			break;
		case "update-only":
			next.only = only === "update" ? undefined : "update";
			break;
		case "clear":
			next.empty = empty === "clear" ? undefined : "clear";
			if (next.empty === "clear" && only === "create") next.only = undefined;
			break;
		case "keep-edits":
			next.keepPivotalEdits = keepPivotalEdits ? undefined : true;
			if (next.keepPivotalEdits && only === "create") next.only = undefined;
			break;
		case "delete":
			next.deleteMissing = deleteMissing ? undefined : true;
			break;
	}
	return Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as SyncRules;
}

/**
 * Why flipping `rule` turned other rules off, said on screen (a combination the CLI refuses is
 * never left silently): undefined when it turned nothing else off.
 */
export function toggleNote(before: SyncRules, after: SyncRules, rule: RuleName): string | undefined {
	const off: string[] = [];
	if (before.empty === "clear" && after.empty !== "clear") off.push("clear emptied cells");
	if (before.keepPivotalEdits && !after.keepPivotalEdits) off.push("keep Pivotal edits");
	if (rule === "create-only" && off.length > 0)
		return `create only never updates a record: ${off.join(" and ")} turned off (press its key to turn it back on, which turns create only off).`;
	if (before.only === "create" && after.only !== "create" && rule !== "create-only") {
		const name = rule === "clear" ? "clear emptied cells" : "keep Pivotal edits";
		return `${name} acts on updates, which create only never makes: create only turned off.`;
	}
	return undefined;
}

const sum = (plan: SyncPlan, pick: (p: SyncPlan["passes"]["customers"]) => number) =>
	PASSES.reduce((n, pass) => n + pick(plan.passes[pass]), 0);

const records = (n: number) => `${n} record${n === 1 ? "" : "s"}`;

export function ruleToggles(plan: SyncPlan, rules: SyncRules): readonly RuleToggle[] {
	const updates = sum(plan, (p) => p.ops.update + (p.updatesLeft ?? 0));
	const creates = sum(plan, (p) => p.ops.create + p.ops.match - (p.readBack ?? 0) + (p.notInPivotal ?? 0));
	const emptied = sum(plan, (p) => p.emptied ?? 0);
	const deletable = sum(plan, (p) => p.deletable ?? p.deleteCount ?? 0);
	const kept = sum(plan, (p) => p.deleteKept ?? 0);
	return [
		{
			rule: "create-only",
			key: KEYS["create-only"],
			label: "create only",
			isOn: rules.only === "create",
			effect: `${records(updates)} to update left as they are`,
		},
		{
			rule: "update-only",
			key: KEYS["update-only"],
			label: "update only",
			isOn: rules.only === "update",
			effect: `${records(creates)} not created (not_in_pivotal)`,
		},
		{
			rule: "clear",
			key: KEYS.clear,
			label: "clear emptied cells",
			isOn: rules.empty === "clear",
			effect: `${records(emptied)} with a cell emptied since the last sync`,
		},
		{
			rule: "keep-edits",
			key: KEYS["keep-edits"],
			label: "keep Pivotal edits",
			isOn: rules.keepPivotalEdits === true,
			effect: `+${sum(plan, (p) => p.ops.update)} reads before updating`,
		},
		{
			rule: "delete",
			key: KEYS.delete,
			label: "delete missing",
			isOn: rules.deleteMissing === true,
			effect: `${records(deletable)} created here, gone from the files${kept > 0 ? ` (${kept} adopted kept)` : ""}`,
		},
	];
}
