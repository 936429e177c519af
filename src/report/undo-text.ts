import type { UndoPlan } from "../core/undo/undo-plan.js";
import { UNDO_ORDER } from "../core/undo/undo-plan.js";

/** The undo plan as the command prints it before asking: what goes, what is put back, and the warning. */
export function undoPlanText(plan: UndoPlan, workspace: string | undefined): string {
	const lines: string[] = [];
	const runs =
		plan.runs.length === 0
			? "no run"
			: plan.runs.length === 1
				? `run ${plan.runs[0]}`
				: `runs ${plan.runs.join(", ")}`;
	lines.push(`Undo of ${runs}${workspace ? ` in the workspace ${workspace}` : ""}:`);
	lines.push(`${"pass".padEnd(12)}${"delete".padStart(8)}${"restore".padStart(9)}`);
	for (const pass of UNDO_ORDER) {
		const c = plan.counts[pass];
		lines.push(`${pass.padEnd(12)}${String(c.delete).padStart(8)}${String(c.restore).padStart(9)}`);
	}
	const fields = new Map<string, number>();
	for (const pass of UNDO_ORDER) {
		for (const op of plan.operations[pass]) {
			if (op.kind !== "restore") continue;
			for (const [field, value] of Object.entries(op.before)) {
				const names =
					field === "metadata" ? Object.keys(value as object).map((k) => `metadata.${k}`) : [field];
				for (const name of names) fields.set(`${pass}.${name}`, (fields.get(`${pass}.${name}`) ?? 0) + 1);
			}
		}
	}
	if (fields.size > 0) {
		lines.push(`fields put back: ${[...fields].map(([field, n]) => `${field} ${n}`).join(", ")}`);
		lines.push("  (a field edited in Pivotal since the import is kept as it is, and reported)");
	}
	const recreates = UNDO_ORDER.filter((pass) => (plan.counts[pass].recreate ?? 0) > 0);
	if (recreates.length > 0) {
		const what = recreates.map((pass) => `${plan.counts[pass].recreate} ${pass}`).join(", ");
		lines.push(
			`To re-create (deleted by --delete-missing; Pivotal has no undelete): ${what}, under new ids, with the values the import last wrote.`,
		);
	}
	if (plan.counts.customers.delete > 0) {
		lines.push(
			`Deleting ${plan.counts.customers.delete} customers: contacts or onboardings others added under them drop out of Pivotal's lists with them.`,
		);
	}
	lines.push("Records found in Pivotal and adopted by the import are never deleted.");
	return `${lines.join("\n")}\n`;
}
