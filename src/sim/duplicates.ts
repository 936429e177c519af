import type { Store } from "./store.js";

/** Records created more than once for the same logical source record: what an importer must never cause. */
export interface DuplicatesReport {
	/** Customers created with the same `metadata.external_id` (deleted ones included: they were created). */
	readonly customers: Array<{ external_id: string; count: number; ids: string[] }>;
	/** Contacts created more than once for one customer + lower-cased email (creations, not live rows). */
	readonly contacts: Array<{ customer_id: string; email: string; count: number; ids: string[] }>;
	/** Onboardings created more than once for one customer + name (`null` name grouped together). */
	readonly onboardings: Array<{ customer_id: string; name: string | null; count: number; ids: string[] }>;
	/** Sum of the extra creations (count − 1) over all groups; 0 means no duplicates. */
	readonly total: number;
}

export function duplicatesReport(store: Store): DuplicatesReport {
	let total = 0;
	const customers: DuplicatesReport["customers"] = [];
	for (const [externalId, ids] of store.creations.customersByExternalId) {
		if (ids.length < 2) continue;
		total += ids.length - 1;
		customers.push({ external_id: externalId, count: ids.length, ids: [...ids] });
	}
	const contacts: DuplicatesReport["contacts"] = [];
	for (const [key, ids] of store.creations.contactsByEmail) {
		if (ids.length < 2) continue;
		total += ids.length - 1;
		const [customerId = "", email = ""] = key.split("\n");
		contacts.push({ customer_id: customerId, email, count: ids.length, ids: [...ids] });
	}
	const onboardings: DuplicatesReport["onboardings"] = [];
	for (const [key, ids] of store.creations.onboardingsByName) {
		if (ids.length < 2) continue;
		total += ids.length - 1;
		const cut = key.indexOf("\n");
		const name = key.slice(cut + 1);
		onboardings.push({
			customer_id: key.slice(0, cut),
			name: name === "" ? null : name,
			count: ids.length,
			ids: [...ids],
		});
	}
	return { customers, contacts, onboardings, total };
}
