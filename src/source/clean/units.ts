/**
 * A map's `units` entry: what a money column's plain numbers are in, since `1299` cannot say
 * whether it is dollars or cents. `"units": { "mrr": "dollars" }` — any currency's whole unit
 * may be named (`dollars`, `euros`, `pounds`, `major`) — or `"cents"` (`minor`), the default.
 */

import type { MoneyUnit } from "./numbers.js";

const NAMES: Readonly<Record<string, MoneyUnit>> = {
	cents: "cents",
	minor: "cents",
	dollars: "major",
	euros: "major",
	pounds: "major",
	major: "major",
};

export const UNIT_NAMES = Object.keys(NAMES);

/** The unit a map names, or undefined for a name it does not take. */
export function moneyUnit(name: string): MoneyUnit | undefined {
	return Object.hasOwn(NAMES, name.toLowerCase()) ? NAMES[name.toLowerCase()] : undefined;
}
