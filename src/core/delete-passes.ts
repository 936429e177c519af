/**
 * The deletes of `--delete-missing`, once every file's pass is done (import-passes.ts): children
 * first, each DELETE marked in doubt first, a parent whose child stays kept for a later run.
 */

import { resourceOf } from "../model/resources.js";
import { blockDelete, deleteMissing } from "./execute/delete-missing.js";
import type { Ledger } from "./execute/ledger.js";
import { DELETE_ORDER, type MissingRecords, type PlannedDelete } from "./plan/missing-records.js";
import type { RunBooks, RunPass, RunScope } from "./run-job.js";

/** `--delete-missing`, once every pass is done: children first, each DELETE marked in doubt first. */
export function* deletePasses(
	scope: RunScope,
	{ ledger, run }: RunBooks,
	missing: MissingRecords,
): Generator<RunPass<PlannedDelete>> {
	const ctx = { ledger, requester: scope.requester, run, trip: scope.trip };
	// A parent whose child was not deleted keeps it in Pivotal: its DELETE waits for a later run.
	// Keyed `pass:key` of the parent.
	const undeleted = new Map<string, string>();
	for (const pass of DELETE_ORDER) {
		yield {
			pass,
			announce: "silent",
			operations: toDelete(ledger, missing.deletes[pass], undeleted),
			apply: (planned) => deleteMissing(ctx, planned),
		};
		// The pass is over: its children are gone before their customer is sent its DELETE.
		for (const planned of missing.deletes[pass]) {
			if (planned.parentKey === undefined || ledger.store.get(pass, planned.key)?.s === "removed") continue;
			const parentId = `${resourceOf(pass).parent?.resource}:${planned.parentKey}`;
			if (!undeleted.has(parentId)) undeleted.set(parentId, `${pass} ${planned.key}`);
		}
	}
}

/** The deletes of a pass that need a request: those deleted already, or blocked by a child, are settled here. */
function* toDelete(
	ledger: Ledger,
	planned: readonly PlannedDelete[],
	undeleted: ReadonlyMap<string, string>,
): Generator<PlannedDelete> {
	for (const one of planned) {
		// Deleted by an earlier session of this run (or since): nothing to send.
		if (ledger.store.get(one.pass, one.key)?.s === "removed") continue;
		const child = undeleted.get(`${one.pass}:${one.key}`);
		if (child === undefined) yield one;
		else blockDelete(ledger, one, child);
	}
}
