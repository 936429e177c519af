/**
 * Does Pivotal's copy of a record still read as the record the state keeps it under? Asked of
 * the read before `--delete-missing` sends a DELETE: a state whose id names another record (a
 * row added or edited by hand in the state, a stray row of another import) would otherwise
 * delete a record the files still hold. A customer must carry the key's external id (every one
 * this import creates does); for a contact or an onboarding only a contradiction counts: a field
 * the copy does not carry, or a key that does not name it (an onboarding numbered `#n`), says nothing.
 */

import { type PassName, resourceOf } from "../../model/resources.js";
import { parseNamedKey } from "../../source/onboarding-keys.js";

/**
 * What the server's copy reads as where it contradicts `key` (`metadata.external_id "crm-2"`,
 * `email "b@x.test"`, `customer_id "c0…"`), or undefined when nothing does. `parentId`: the
 * Pivotal id the state knows for the record's customer, when it knows one.
 */
export function otherIdentity(
	pass: PassName,
	key: string,
	parentKey: string | undefined,
	parentId: string | undefined,
	server: Readonly<Record<string, unknown>>,
	/** The key field's value as the import last wrote it: a name a sync changed under its key (a re-spelled onboarding). */
	written?: unknown,
): string | undefined {
	const def = resourceOf(pass);
	const keyField = def.metadata?.keyField;
	if (keyField !== undefined) {
		const metadata = server.metadata;
		const held =
			typeof metadata === "object" && metadata !== null
				? (metadata as Record<string, unknown>)[keyField]
				: undefined;
		// Every record this import creates carries its key there: one without it is not shown to be ours.
		if (held === undefined || held === null) return `a ${def.one} without metadata.${keyField}`;
		if (typeof held !== "string" && typeof held !== "number") return `metadata.${keyField} of another kind`;
		if (String(held) !== key) return `metadata.${keyField} ${shown(String(held))}`;
	}
	if (def.parent === undefined || parentKey === undefined) return undefined;
	const parentField = `${resourceOf(def.parent.resource as PassName).one}_id`;
	const heldParent = server[parentField];
	if (parentId !== undefined && typeof heldParent === "string" && heldParent !== parentId)
		return `${parentField} ${shown(heldParent)}`;
	if (!("column" in def.key)) return undefined;
	const field = def.key.column;
	const held = server[field];
	if (typeof held !== "string") return undefined;
	const expected = keyedValue(key, parentKey, def.key.numbered === true);
	if (expected === undefined) return undefined;
	const fold = def.key.fold === true;
	if (typeof written === "string" && same(held, written, fold)) return undefined;
	return same(held, expected, fold) ? undefined : `${field} ${shown(held)}`;
}

/** The field's value the key was made from, or undefined when the key does not say it (`#n`). */
function keyedValue(key: string, parentKey: string, isNumbered: boolean): string | undefined {
	if (!key.startsWith(`${parentKey}/`)) return undefined;
	if (!isNumbered) return key.slice(parentKey.length + 1);
	return parseNamedKey(key)?.name;
}

/** Equal as the matchers compare: NFC, trimmed, and case-folded where the key is. */
function same(a: string, b: string, fold: boolean): boolean {
	const norm = (s: string) => (fold ? s.normalize("NFC").trim().toLowerCase() : s.normalize("NFC").trim());
	return norm(a) === norm(b);
}

/** A server's value in a sentence: quoted, and cut short (it comes from outside). */
function shown(value: string): string {
	return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
