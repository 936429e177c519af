/**
 * A library caller's options, checked where they enter: a value the command line could never
 * pass (a rule spelt wrong, a negative concurrency, a window in words) is named in one sentence
 * instead of being read as something else (adversarial finding N3). The command line checks its
 * own flags before it gets here.
 */

import type { SyncRules } from "../core/plan/sync-rules.js";

function isWhole(value: unknown, least: number): boolean {
	return typeof value === "number" && Number.isInteger(value) && value >= least;
}

/** Why `rules` cannot be planned with, or undefined. */
export function rulesProblem(rules: SyncRules | undefined): string | undefined {
	if (rules === undefined) return undefined;
	if (typeof rules !== "object" || rules === null) return 'rules must be an object, e.g. { empty: "keep" }.';
	if (rules.only !== undefined && rules.only !== "create" && rules.only !== "update")
		return `rules.only must be "create" or "update", not ${JSON.stringify(rules.only)}.`;
	if (rules.empty !== undefined && rules.empty !== "keep" && rules.empty !== "clear")
		return `rules.empty must be "keep" or "clear", not ${JSON.stringify(rules.empty)}.`;
	for (const flag of ["keepPivotalEdits", "deleteMissing"] as const)
		if (rules[flag] !== undefined && typeof rules[flag] !== "boolean")
			return `rules.${flag} must be true or false, not ${JSON.stringify(rules[flag])}.`;
	if (rules.maxDeletes !== undefined && !isWhole(rules.maxDeletes, 0))
		return `rules.maxDeletes must be a whole number of 0 or more, not ${JSON.stringify(rules.maxDeletes)}.`;
	return undefined;
}

/** Why a run's `concurrency` or `windowMs` cannot be used, or undefined. */
export function runOptionsProblem(options: {
	readonly concurrency?: unknown;
	readonly windowMs?: unknown;
}): string | undefined {
	if (options.concurrency !== undefined && !isWhole(options.concurrency, 1))
		return `concurrency must be a whole number of 1 or more, not ${JSON.stringify(options.concurrency)}.`;
	const { windowMs } = options;
	if (windowMs !== undefined && !(typeof windowMs === "number" && Number.isFinite(windowMs) && windowMs > 0))
		return `windowMs must be a number of milliseconds above 0, not ${JSON.stringify(windowMs)}.`;
	return undefined;
}
