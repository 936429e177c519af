/**
 * Which fields an undo may put back, from Pivotal's copy as it is now (pure). A field still
 * holding what the import wrote goes back to its earlier value; one holding the earlier value
 * already needs nothing; one holding anything else was edited in Pivotal since, and is kept.
 */

import type { FieldValues, PassName } from "../../model/records.js";
import { formOf, type ValueForm } from "../../model/value-forms.js";
import { isSameValue } from "../plan/edit-guard.js";

export interface RestoreDecision {
	/** The PATCH body, or undefined when nothing needs sending. */
	readonly patch: Record<string, unknown> | undefined;
	readonly restored: readonly string[];
	/** Fields (`metadata.<key>` for metadata) edited in Pivotal since the import wrote them. */
	readonly kept: readonly string[];
}

export function restoreFields(
	pass: PassName,
	before: FieldValues,
	after: FieldValues,
	server: Readonly<Record<string, unknown>>,
): RestoreDecision {
	const patch: Record<string, unknown> = {};
	const restored: string[] = [];
	const kept: string[] = [];
	for (const [field, earlier] of Object.entries(before)) {
		if (field === "metadata") continue;
		const verdict = judge(server[field], after[field], earlier, formOf(pass, field));
		if (verdict === "restore") {
			// An empty cell before the import: put back as null, which the API reads as "none".
			patch[field] = earlier ?? null;
			restored.push(field);
		} else if (verdict === "kept") {
			kept.push(field);
		}
	}
	const beforeMeta = asObject(before.metadata);
	const afterMeta = asObject(after.metadata);
	const serverMeta = asObject(server.metadata);
	const metadata: Record<string, unknown> = { ...serverMeta };
	let isMetadataChanged = false;
	for (const key of Object.keys(beforeMeta)) {
		const verdict = judge(serverMeta[key], afterMeta[key], beforeMeta[key]);
		if (verdict === "restore") {
			// A key the import added goes away again; PATCH replaces metadata whole, so the rest is sent along.
			if (beforeMeta[key] === undefined || beforeMeta[key] === null) delete metadata[key];
			else metadata[key] = beforeMeta[key];
			isMetadataChanged = true;
			restored.push(`metadata.${key}`);
		} else if (verdict === "kept") {
			kept.push(`metadata.${key}`);
		}
	}
	if (isMetadataChanged) patch.metadata = metadata;
	return { patch: Object.keys(patch).length > 0 ? patch : undefined, restored, kept };
}

function judge(
	current: unknown,
	written: unknown,
	earlier: unknown,
	form?: ValueForm,
): "restore" | "done" | "kept" {
	if (isSameValue(current, written, form)) return "restore";
	if (isSameValue(current, earlier, form)) return "done";
	return "kept";
}

function asObject(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}
