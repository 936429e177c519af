/**
 * How Pivotal writes back a value this tool sent another way, per field as the resource table
 * says (`normalise`): an e-mail lower-cased, a launch date as the timestamp of the instant sent
 * (a day as its midnight in UTC). The planner, the edit guard and undo compare through these
 * forms, one rule for all three: a date is its instant, so a new time of day is a change and the
 * same instant written in another offset is not (adversarial finding W2, where dates were
 * compared by their first ten characters).
 */

import { type PassName, resourceOf } from "./resources.js";

export type ValueForm = "lower" | "date";

/** The form the resource table gives `field` of `pass`, if any. */
export function formOf(pass: PassName, field: string): ValueForm | undefined {
	return resourceOf(pass).normalise?.[field];
}

const ISO_DAY = /^\d{4}-\d\d-\d\d$/;
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:\d\d)$/;

/**
 * The instant an ISO day or date-time with a zone denotes, in ms; undefined for any other text
 * (a free text starting with a day is not a date: finding V7).
 */
export function instantOf(text: string): number | undefined {
	if (!ISO_DAY.test(text) && !ISO_DATE_TIME.test(text)) return undefined;
	const ms = Date.parse(text);
	return Number.isNaN(ms) ? undefined : ms;
}

/** `value` as Pivotal would write it back for a field of form `form`. */
export function serverForm(form: ValueForm | undefined, value: unknown): unknown {
	if (typeof value !== "string") return value;
	if (form === "lower") return value.toLowerCase().normalize("NFC");
	if (form === "date") {
		const ms = instantOf(value);
		return ms === undefined ? value : new Date(ms).toISOString();
	}
	// One text in either Unicode form (an export that writes "é" decomposed one day) is no change.
	return value.normalize("NFC");
}
