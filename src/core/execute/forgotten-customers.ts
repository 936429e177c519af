/**
 * Customers a state may have forgotten (adversarial finding K-F3): an older copy of the state
 * put back knows nothing of the customers the runs after it made. Their slugs guard most of
 * them (the create's 409, then a look-up), but a slug derived from a name that changed since, or
 * an explicit slug changed in the export, guards nothing once Pivotal has forgotten the
 * idempotency keys (24 h): the customer, and its children with it, would be made twice.
 *
 * Nothing lists customers by external id, and a refresh of 400k customers cannot walk them all
 * for every new row. But whatever the state forgot was made after it was last written: a
 * customer row the state holds no record of is first looked for among the customers made since
 * then (newest first, one walk per run, stopped at that time less a margin for the clocks of the
 * machines that wrote the state and of Pivotal). After a sound state that is a page or two,
 * and nothing at all in a run without a new customer row.
 */

import { copyOf, type RecordState, type SourceRecord } from "../../model/records.js";
import { isWorkspaceMatched } from "../../model/resources.js";
import type { StateStore } from "../state/state-store.js";

/** Clocks of the machine that last wrote the state and of Pivotal may disagree by this much. */
export const CLOCK_MARGIN_MS = 5 * 60_000;

/** When the customers a state may have forgotten were made at the earliest, undefined when none can be. */
export function forgottenSince(
	record: SourceRecord,
	state: RecordState | undefined,
	isInDoubt: boolean,
	store: Pick<StateStore, "writtenAt">,
): number | undefined {
	// A record in doubt has its own look-up; one with a Pivotal id is the state's to decide.
	if (!isWorkspaceMatched(record.pass) || isInDoubt || copyOf(state) !== undefined) return undefined;
	return store.writtenAt === undefined ? undefined : store.writtenAt - CLOCK_MARGIN_MS;
}

/** The Pivotal ids of the customers a state holds, read once, only in runs that look one up. */
export function knownCustomerIds(store: Pick<StateStore, "entries">): () => ReadonlySet<string> {
	let ids: Set<string> | undefined;
	return () => {
		if (ids === undefined) {
			ids = new Set();
			for (const [, state] of store.entries("customers")) {
				const id = copyOf(state)?.id;
				if (id !== undefined) ids.add(id);
			}
		}
		return ids;
	};
}
