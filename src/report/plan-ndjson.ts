import type { PlannedDelete } from "../core/plan/missing-records.js";
import type { Operation } from "../core/plan/planner.js";
import type { SourceRecord } from "../model/records.js";

/** One planned operation as a line of `--json --dry-run`. */
export function operationLine(record: SourceRecord, op: Operation): Record<string, unknown> {
	const base = { type: "operation", pass: record.pass, key: record.key, line: record.line, op: op.kind };
	switch (op.kind) {
		case "update":
			return { ...base, id: op.copy.id, changes: op.changes, ...(op.stuck ? { notEmptied: op.stuck } : {}) };
		case "unchanged":
			return { ...base, id: op.copy.id, ...(op.stuck ? { notEmptied: op.stuck } : {}) };
		case "skipped":
			return { ...base, reason: op.reason, ...(op.copy ? { id: op.copy.id } : {}) };
		case "blocked":
			return { ...base, parentKey: op.parentKey };
		case "kept":
			return { ...base, reason: op.reason };
		case "match":
			return { ...base, ...(op.id ? { id: op.id } : {}) };
		case "create":
			return { ...base, ...(op.isInDoubt ? { inDoubt: true } : {}) };
	}
}

/** A record `--delete-missing` would delete, as a line of `--json --dry-run`. */
export function deleteLine(planned: PlannedDelete): Record<string, unknown> {
	return { type: "operation", pass: planned.pass, key: planned.key, op: "delete", id: planned.copy.id };
}
