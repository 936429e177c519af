/**
 * Whether a create is preceded by a look-up in Pivotal for a state that may have forgotten it
 * (adversarial finding I-F10). A state cut back at a line boundary, or an older copy put back,
 * loads as sound (a prefix of the journal's chain is a chain) and forgets records it sent. When
 * Pivotal has forgotten their idempotency keys too, a create is made again: for customers and
 * contacts a uniqueness rule answers (a 409, then a look-up), for onboardings nothing does.
 *
 * So a record no uniqueness rule guards, of which the state knows nothing, is looked for under its
 * customer before it is created, unless this process made that customer itself: then nothing can
 * be under it that this process did not send (and knows of). A first import creates its customers
 * as it goes and costs nothing; a refresh with new onboardings, or a resume after a kill, costs one
 * list of each customer made earlier that gets a new one (the list is walked once per run).
 */

import type { PivotalCopy, RecordState, SourceRecord } from "../../model/records.js";
import { isGuarded } from "./record-requests.js";

export function mayBeForgotten(
	record: SourceRecord,
	state: RecordState | undefined,
	parent: PivotalCopy | undefined,
	isMadeHere: (parentId: string) => boolean,
): boolean {
	// A customer is found by its slug's 409; a record the state knows of is the state's to decide.
	if (parent === undefined || state !== undefined) return false;
	return !isGuarded(record) && !isMadeHere(parent.id);
}
