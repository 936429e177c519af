/**
 * The one table of what differs between the record resources: their columns, how a row is
 * keyed, their parent, their routes, how an existing server record is recognised, the rule
 * that refuses a second copy, and — derived from the order of the table — the passes and the
 * undo order. The source reader, the planner, the executor, undo and the client read it rather
 * than switching on a resource's name.
 *
 * Kept free of heavy imports: every command (`--version` too) loads this file.
 */

import { BUILT_IN } from "./built-in-resources.js";

/** How a column's cell is checked and converted (source/schema.ts turns a kind into its checks). */
export type ColumnKind =
	| "id"
	| "text"
	| "slug"
	| "domain"
	| "enum"
	| "money"
	| "count"
	| "crm-id"
	| "email"
	| "boolean"
	| "labels"
	| "date";

export interface ColumnDef {
	readonly name: string;
	readonly kind: ColumnKind;
	readonly required?: boolean;
	/** Longest accepted value (`text`). */
	readonly max?: number;
	/** The values an `enum` column takes. */
	readonly values?: readonly string[];
}

/**
 * A record's parent: its rows name the parent's key in `column`, and its requests carry the
 * parent's Pivotal id in the path (`{parent}` in the routes) or in the body as `field`.
 */
export interface ParentDef {
	readonly resource: string;
	readonly column: string;
	/** Set when the create body carries the parent's id (onboardings: `customer_id`). */
	readonly field?: string;
}

/**
 * Paths below `/api/v1`: `{parent}` is the parent's id, `{id}` the record's. `item` answers
 * GET, PATCH and DELETE of one record.
 */
export interface RoutesDef {
	readonly list: string;
	readonly create: string;
	readonly item: string;
	/**
	 * The list of every record of a child resource in the workspace, each carrying its parent's id
	 * as `parent.field` (onboardings: `GET /onboardings`), when the API has one.
	 */
	readonly listAll?: string;
}

/**
 * How a server record without state is recognised as a row's: `workspace` looks through the
 * whole workspace's list (core/execute/existing-records.ts) by `metadata.<keyField>`, then the
 * unique field (slug), then `crmIds` in the order they are trusted; `field`
 * compares one field of the parent's records (`fold`: case-insensitively), and when the row has
 * no value for it, `orFields` matches a record carrying every field the row sends.
 */
export type MatcherDef =
	| { readonly kind: "workspace"; readonly crmIds: readonly string[] }
	| { readonly kind: "field"; readonly field: string; readonly fold?: boolean; readonly orFields?: boolean };

/** A field the server keeps unique: a second create answers 409 with `code`. */
export interface UniqueDef {
	readonly field: string;
	readonly code: string;
}

export interface ResourceDef {
	/** Plural, as its paths and the pass are named. */
	readonly name: string;
	/** Singular, for sentences. */
	readonly one: string;
	/** Three letters inside idempotency keys (`pivotal-tui-<run>-cus-…`). */
	readonly tag: string;
	readonly columns: readonly ColumnDef[];
	/**
	 * The record's key within its pass. Top level: the `idColumn` cell. Under a parent:
	 * `<parent key>/<cell of column>` (`fold`: lower-cased); `numbered`: onboardings' form,
	 * `<parent>/name:<cell>` when unique among the parent's rows, else `<parent>/#<n>`.
	 */
	readonly key:
		| { readonly idColumn: string }
		| { readonly column: string; readonly fold?: boolean; readonly numbered?: boolean };
	readonly parent?: ParentDef;
	readonly routes: RoutesDef;
	readonly matcher: MatcherDef;
	readonly unique?: UniqueDef;
	/** Rows carry `metadata.<key>` columns; the record's key travels as `metadata.<keyField>`. */
	readonly metadata?: { readonly keyField: string };
	/** A row without `slug` gets one derived from its name (unique within the file). */
	readonly derivesSlug?: boolean;
	/** How the server writes back a value sent another way: `lower` case, a `date` of a timestamp. */
	readonly normalise?: Readonly<Record<string, "lower" | "date">>;
	/**
	 * Fields a PATCH may empty, with the API's "none" for each: `null` for nullable strings,
	 * numbers and dates, `[]` for labels. Others (names, e-mails, slugs, enums, booleans) cannot
	 * be emptied: the API refuses null or puts its own default.
	 */
	readonly cleared?: Readonly<Record<string, null | readonly never[]>>;
	/**
	 * What the server sets a field to when a create leaves it out (a customer's `status`, an
	 * onboarding's `phase` and `state`): a record holding anything else there was not made by a
	 * create that left it out.
	 */
	readonly defaults?: Readonly<Record<string, string>>;
}

export { CUSTOMER_STATUSES, ONBOARDING_PHASES, ONBOARDING_STATES } from "./built-in-resources.js";

/** The name of a resource this package ships (a registered one is carried as one at run time). */
export type PassName = (typeof BUILT_IN)[number]["name"];

const table = new Map<string, ResourceDef>(BUILT_IN.map((r) => [r.name, r]));
const passes: PassName[] = BUILT_IN.map((r) => r.name);
const undoOrder: PassName[] = [...passes].reverse();

/** Body fields that carry a parent's id (`customer_id`): the engine's, never the source's. Live. */
export const PARENT_ID_FIELDS: ReadonlySet<string> = new Set(
	BUILT_IN.flatMap((r) => ("parent" in r && "field" in r.parent ? [r.parent.field] : [])),
);

/** The passes in the order they run: parents before their children. Live: it grows on registration. */
export const PASSES: readonly PassName[] = passes;

/** Deletes and undo run children first: the passes backwards. */
export const UNDO_ORDER: readonly PassName[] = undoOrder;

/** The table's entry of `name`. Throws for a name not in the table: a caller's bug, not input. */
export function resourceOf(name: string): ResourceDef {
	const def = table.get(name);
	if (def === undefined) throw new Error(`no resource named ${JSON.stringify(name)} in the table`);
	return def;
}

export function isResource(name: string): boolean {
	return table.has(name);
}

/**
 * Adds a resource after the built-in ones (its parent must be in the table already), so every
 * part that reads the table — passes, checkpoint, plan, apply, undo, the client — carries it.
 * Register before a run opens anything: modules that size per-pass structures at load (the
 * checkpoint format) see the table as it was then. Returns the name, typed as a pass.
 */
export function registerResource(def: ResourceDef): PassName {
	if (table.has(def.name)) throw new Error(`resource ${JSON.stringify(def.name)} is already in the table`);
	if (def.parent !== undefined && !table.has(def.parent.resource))
		throw new Error(
			`resource ${JSON.stringify(def.name)} names parent ${JSON.stringify(def.parent.resource)}, not in the table`,
		);
	table.set(def.name, def);
	if (def.parent?.field !== undefined) (PARENT_ID_FIELDS as Set<string>).add(def.parent.field);
	const name = def.name as PassName;
	passes.push(name);
	undoOrder.unshift(name);
	return name;
}

/** Is the pass keyed by position as well as by a column (onboardings: `<parent>/#<n>`)? */
export function isNumbered(pass: string): boolean {
	const { key } = resourceOf(pass);
	return "numbered" in key && key.numbered === true;
}

/** Is a record of the pass looked for in the whole workspace (customers), not under a parent? */
export function isWorkspaceMatched(pass: string): boolean {
	return resourceOf(pass).matcher.kind === "workspace";
}

/** A record per pass, each value made by `make` (the pass's totals, tallies, lists). */
export function perPass<T>(make: (pass: PassName) => T): Record<PassName, T> {
	const values = {} as Record<PassName, T>;
	for (const pass of passes) values[pass] = make(pass);
	return values;
}

/** `route` with its `{parent}` and `{id}` filled in (each encoded as one path segment). */
export function routePath(route: string, ids: { readonly parent?: string; readonly id?: string }): string {
	return route
		.replace("{parent}", encodeURIComponent(ids.parent ?? ""))
		.replace("{id}", encodeURIComponent(ids.id ?? ""));
}

/** The create body of a record under `parentId`: the parent's id added when the body carries it. */
export function bodyUnder(
	def: ResourceDef,
	parentId: string | undefined,
	body: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
	const field = def.parent?.field;
	return field === undefined ? body : { [field]: parentId, ...body };
}

/** The parent's key of a child record's key (`<parent key>/<rest>`); undefined at the top level. */
export function parentKeyOf(pass: string, key: string): string | undefined {
	if (resourceOf(pass).parent === undefined) return undefined;
	const slash = key.lastIndexOf("/");
	return slash === -1 ? undefined : key.slice(0, slash);
}
