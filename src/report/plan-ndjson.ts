import type { Operation } from "../core/plan/planner.js";
import type { SourceRecord } from "../model/records.js";

/** One planned operation as a line of `--json --dry-run`. */
export function operationLine(record: SourceRecord, op: Operation): Record<string, unknown> {
	const base = { type: "operation", pass: record.pass, key: record.key, line: record.line, op: op.kind };
	switch (op.kind) {
		case "update":
			return { ...base, id: op.copy.id, changes: op.changes };
		case "unchanged":
			return { ...base, id: op.copy.id };
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
