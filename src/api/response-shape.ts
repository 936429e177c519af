/**
 * What a success answer must look like before anything reads it: a `201` whose body is `null`,
 * an array, or an object without an `id` fails that one request with a sentence, where it
 * enters, instead of a `TypeError` somewhere in the engine.
 */

export type Shape = "record" | "list" | "me" | "deleted";

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An id we can put in a URL path and a state file: a short string of printable characters. */
function isId(value: unknown): boolean {
	return typeof value === "string" && value.length > 0 && value.length <= 255 && /^[\x21-\x7e]+$/.test(value);
}

function describe(value: unknown): string {
	if (value === null) return "null";
	if (Array.isArray(value)) return "an array";
	return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** What is wrong with `data` for a call expecting `shape`, as the end of a sentence; undefined when sound. */
export function shapeProblem(shape: Shape, data: unknown): string | undefined {
	if (!isObject(data)) return `${describe(data)} where an object was expected`;
	switch (shape) {
		case "record":
		case "deleted":
			return isId(data.id) ? undefined : "an object without a usable id";
		case "list":
			if (!Array.isArray(data.data)) return "a list without its data array";
			if (!data.data.every((row) => isObject(row) && isId(row.id)))
				return "a list with a row without a usable id";
			return typeof data.has_more === "boolean" ? undefined : "a list without has_more";
		case "me": {
			const organization = data.organization;
			if (!isObject(organization) || !isId(organization.id))
				return "an answer to /me without its organization";
			if (typeof organization.name !== "string") return "an answer to /me without the organization's name";
			return isObject(data.api_key) ? undefined : "an answer to /me without its api_key";
		}
	}
}
