import type { ContactRow, CustomerRow, OnboardingRow } from "./rows.js";
import { Table } from "./table.js";

export interface StoreSnapshot {
	readonly customers: CustomerRow[];
	readonly contacts: ContactRow[];
	readonly onboardings: OnboardingRow[];
	readonly nextDisplayIds: { customer: number; contact: number; onboarding: number };
	readonly creations: {
		customersByExternalId: Array<[string, string[]]>;
		contactsByEmail: Array<[string, string[]]>;
		onboardingsByName: Array<[string, string[]]>;
	};
}

/**
 * All workspace data plus the secondary indexes every write needs in O(1): live slugs, live
 * contact emails per customer, the primary contact per customer, and children per customer.
 * `creations` remembers what was created (not what is live now) for the duplicates report.
 */
export class Store {
	readonly customers = new Table<CustomerRow>();
	readonly contacts = new Table<ContactRow>();
	readonly onboardings = new Table<OnboardingRow>();
	/** Live slug → customer id; soft delete releases the slug (§12.22). */
	readonly slugs = new Map<string, string>();
	/** Next numeric suffix to try per derived base slug, so repeated names do not rescan 2, 3, 4… */
	readonly slugSuffixes = new Map<string, number>();
	/** `customerId\nemail` → live contact id (§12.26). */
	readonly emails = new Map<string, string>();
	/** customer id → primary contact id. */
	readonly primaries = new Map<string, string>();
	readonly contactsByCustomer = new Map<string, ContactRow[]>();
	readonly onboardingsByCustomer = new Map<string, OnboardingRow[]>();
	readonly creations = {
		customersByExternalId: new Map<string, string[]>(),
		contactsByEmail: new Map<string, string[]>(),
		onboardingsByName: new Map<string, string[]>(),
	};

	addCustomer(row: CustomerRow): void {
		this.customers.insert(row);
		if (!row.deleted) this.slugs.set(row.slug, row.id);
	}

	addContact(row: ContactRow): void {
		this.contacts.insert(row);
		pushTo(this.contactsByCustomer, row.customer_id, row);
		if (!row.deleted) {
			this.emails.set(emailKey(row.customer_id, row.email), row.id);
			if (row.is_primary) this.primaries.set(row.customer_id, row.id);
		}
	}

	addOnboarding(row: OnboardingRow): void {
		this.onboardings.insert(row);
		pushTo(this.onboardingsByCustomer, row.customer_id, row);
	}

	recordCreation(map: Map<string, string[]>, key: string, id: string): void {
		pushTo(map, key, id);
	}

	snapshot(): StoreSnapshot {
		const entries = (m: Map<string, string[]>): Array<[string, string[]]> =>
			[...m].map(([k, v]) => [k, [...v]]);
		return structuredClone({
			customers: this.customers.rows,
			contacts: this.contacts.rows,
			onboardings: this.onboardings.rows,
			nextDisplayIds: {
				customer: this.customers.nextDisplayId,
				contact: this.contacts.nextDisplayId,
				onboarding: this.onboardings.nextDisplayId,
			},
			creations: {
				customersByExternalId: entries(this.creations.customersByExternalId),
				contactsByEmail: entries(this.creations.contactsByEmail),
				onboardingsByName: entries(this.creations.onboardingsByName),
			},
		});
	}

	/** Loads a snapshot into this (empty) store, rebuilding the indexes from the rows. */
	restore(snapshot: StoreSnapshot): void {
		const s = structuredClone(snapshot);
		for (const row of s.customers) this.addCustomer(row);
		for (const row of s.contacts) this.addContact(row);
		for (const row of s.onboardings) this.addOnboarding(row);
		this.customers.restore([], s.nextDisplayIds.customer);
		this.contacts.restore([], s.nextDisplayIds.contact);
		this.onboardings.restore([], s.nextDisplayIds.onboarding);
		for (const [k, v] of s.creations.customersByExternalId) this.creations.customersByExternalId.set(k, v);
		for (const [k, v] of s.creations.contactsByEmail) this.creations.contactsByEmail.set(k, v);
		for (const [k, v] of s.creations.onboardingsByName) this.creations.onboardingsByName.set(k, v);
	}
}

export function emailKey(customerId: string, email: string): string {
	return `${customerId}\n${email}`;
}

function pushTo<V>(map: Map<string, V[]>, key: string, value: V): void {
	const list = map.get(key);
	if (list === undefined) map.set(key, [value]);
	else list.push(value);
}
