import { SimError } from "./sim-error.js";

/**
 * Field readers for request bodies. Each returns `undefined` when the field is absent and throws
 * a 400 SimError naming the field otherwise; codes follow Zod's issue codes (§4) plus
 * `missing_field` and `invalid_enum_value` (§12.6). Messages imitate Zod's wording.
 */
export type Body = Readonly<Record<string, unknown>>;

export function typeName(value: unknown): string {
	if (value === null) return "null";
	if (Array.isArray(value)) return "array";
	if (typeof value === "number" && Number.isInteger(value)) return "integer";
	return typeof value;
}

function invalidType(field: string, expected: string, value: unknown): SimError {
	return new SimError(400, "invalid_type", `Expected ${expected}, received ${typeName(value)}`, field);
}

export function missing(field: string): SimError {
	return new SimError(400, "missing_field", `Required field \`${field}\` is missing.`, field);
}

export interface StringRules {
	readonly min?: number;
	readonly max?: number;
	readonly nullable?: boolean;
}

export function readString(body: Body, field: string, rules: StringRules = {}): string | null | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (value === null && rules.nullable === true) return null;
	if (typeof value !== "string") return throwing(invalidType(field, "string", value));
	const min = rules.min ?? 0;
	if (value.length < min) {
		throw new SimError(400, "too_small", `String must contain at least ${min} character(s)`, field);
	}
	if (rules.max !== undefined && value.length > rules.max) {
		throw new SimError(400, "too_big", `String must contain at most ${rules.max} character(s)`, field);
	}
	return value;
}

/** A required, non-empty string (absent or null → missing_field). */
export function readRequiredString(body: Body, field: string, max: number): string {
	if (body[field] === undefined || body[field] === null) throw missing(field);
	return readString(body, field, { min: 1, max }) as string;
}

export function readInteger(body: Body, field: string, min: number): number | null | undefined {
	const value = body[field];
	if (value === undefined || value === null) return value as null | undefined;
	if (typeof value !== "number" || !Number.isInteger(value))
		return throwing(invalidType(field, "integer", value));
	if (value < min)
		throw new SimError(400, "too_small", `Number must be greater than or equal to ${min}`, field);
	return value;
}

export function readBoolean(body: Body, field: string): boolean | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (typeof value !== "boolean") return throwing(invalidType(field, "boolean", value));
	return value;
}

export function readEnum<T extends string>(body: Body, field: string, values: readonly T[]): T | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	return checkEnum(field, values, value);
}

export function checkEnum<T extends string>(field: string, values: readonly T[], value: unknown): T {
	if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T;
	throw new SimError(
		400,
		"invalid_enum_value",
		`Invalid enum value. Expected ${values.map((v) => `'${v}'`).join(" | ")}, received '${String(value)}'`,
		field,
	);
}

export function readStringArray(body: Body, field: string): string[] | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (!Array.isArray(value)) return throwing(invalidType(field, "array", value));
	value.forEach((item, i) => {
		if (typeof item !== "string") throw invalidType(`${field}.${i}`, "string", item);
	});
	return [...(value as string[])];
}

export function readObject(body: Body, field: string): Record<string, unknown> | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (value === null || typeof value !== "object" || Array.isArray(value)) {
		return throwing(invalidType(field, "object", value));
	}
	return structuredClone(value as Record<string, unknown>);
}

/** A date (`2026-06-01`) or an ISO datetime, normalised to an ISO timestamp with milliseconds. */
export function readTimestamp(body: Body, field: string): string | null | undefined {
	const value = body[field];
	if (value === undefined || value === null) return value as null | undefined;
	if (typeof value !== "string") return throwing(invalidType(field, "string", value));
	const ms = parseIsoDateOrDateTime(value);
	if (ms === undefined) throw new SimError(400, "invalid_string", "Invalid datetime", field);
	return new Date(ms).toISOString();
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 datetime (or date when allowed) strictly; undefined when invalid. */
export function parseIsoDateOrDateTime(value: string, allowDate = true): number | undefined {
	if (!ISO_DATETIME.test(value) && !(allowDate && ISO_DATE.test(value))) return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

// Deliberately loose (like Zod's email check): one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export function readEmail(body: Body, field: string, required: boolean): string | undefined {
	if (required && (body[field] === undefined || body[field] === null)) throw missing(field);
	const value = readString(body, field, { min: 1, max: 320 });
	if (value === undefined || value === null) return undefined;
	if (!EMAIL.test(value)) throw new SimError(400, "invalid_string", "Invalid email", field);
	return value.toLowerCase();
}

function throwing(error: SimError): never {
	throw error;
}
