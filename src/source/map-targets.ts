/**
 * The values a map's `values` table may produce: what the field itself accepts. An enum target
 * is stored in its canonical spelling (`At risk` → `at_risk`), so the table and the fingerprint
 * do not depend on how it was typed.
 */

import type { PassName } from "../model/records.js";
import { enumReader } from "./plain-values.js";
import { showValue } from "./problem.js";
import { columnsOf } from "./schema.js";

export type TargetCheck =
	| { readonly ok: true; readonly value: string }
	| { readonly ok: false; readonly message: string };

/** Whether `value` may stand in a `pass` file's `field` column; "" always may (an empty cell). */
export function checkTarget(pass: PassName, field: string, value: string): TargetCheck {
	if (value === "") return { ok: true, value };
	const spec = columnsOf(pass).find((s) => s.name === field);
	if (spec === undefined) return { ok: true, value };
	if (spec.allowed !== undefined) {
		const canonical = enumReader(spec.allowed)(value);
		if (canonical !== undefined) return { ok: true, value: canonical };
		return {
			ok: false,
			message: `${showValue(value)}, which is not one of ${spec.allowed.join(", ")}; use one of those, or "" to leave the cell empty.`,
		};
	}
	const problem = spec.check?.(value, field);
	if (problem === undefined) return { ok: true, value };
	return {
		ok: false,
		message: `${showValue(value)}, which ${field} does not take (${problem.replace(/\.$/, "")}).`,
	};
}
