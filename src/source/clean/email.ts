/**
 * E-mail addresses compare in lower case everywhere (Pivotal's uniqueness, our duplicate check),
 * so they are sent in lower case: `Tom@Acme.example` from one CRM and `tom@acme.example` from
 * another are the same person.
 */
export function cleanEmail(value: string): string {
	return value.trim().toLowerCase();
}
