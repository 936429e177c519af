/**
 * Faults a test scripts precisely: "the next 3 POST /customers get 503", or "any contact whose
 * email ends in @bad.test gets 400 code X". Rules are checked in push order; the first match
 * fires and uses up one of its `times`.
 */
export interface ScriptedFault {
	/** HTTP method to match, e.g. "POST". Omitted: any method. */
	readonly method?: string;
	/**
	 * Route template to match, as the simulator names routes: `/customers`, `/customers/:id`,
	 * `/customers/:id/contacts`, `/customers/:id/onboardings`, `/contacts/:id`, `/onboardings`,
	 * `/onboardings/:id`, `/me`. Omitted: any route.
	 */
	readonly route?: string;
	/**
	 * Body fields to match by dotted path (`metadata.external_id`, `email`): a string must equal
	 * the field's string form, a RegExp must match it. All entries must match.
	 */
	readonly match?: Readonly<Record<string, string | RegExp>>;
	/** How many matching requests this rule hits before it is spent. @default Infinity */
	readonly times?: number;
	/** What happens. @default "error" */
	readonly kind?: "error" | "reset" | "hang";
	/** Before the work (nothing happens) or after it (the record exists). @default "before" */
	readonly when?: "before" | "after";
	/** Status of an "error". @default 500 */
	readonly status?: number;
	/** Error code. @default "internal_error" for 5xx, "scripted_fault" otherwise */
	readonly code?: string;
	/** Error message. @default "Scripted fault." */
	readonly message?: string;
	/** Error type. @default derived from status (§4) */
	readonly type?: string;
	/** Error `field`. @default none */
	readonly field?: string;
	/** Delay of a "hang", ms; the request is processed afterwards. @default 30000 */
	readonly hangMs?: number;
}

interface LiveRule {
	readonly rule: ScriptedFault;
	remaining: number;
}

export class ScriptedFaults {
	#rules: LiveRule[] = [];

	push(rule: ScriptedFault): void {
		const remaining = rule.times ?? Number.POSITIVE_INFINITY;
		if (!(remaining > 0))
			throw new Error(`Scripted fault times must be a positive number, got ${rule.times}.`);
		this.#rules.push({ rule, remaining });
	}

	clear(): void {
		this.#rules = [];
	}

	list(): Array<ScriptedFault & { remaining: number | null }> {
		return this.#rules.map((r) => ({
			...r.rule,
			remaining: Number.isFinite(r.remaining) ? r.remaining : null,
		}));
	}

	/** Finds and consumes the first rule matching this request. `body` is the parsed JSON body, if any. */
	take(method: string, route: string, body: unknown): ScriptedFault | undefined {
		if (this.#rules.length === 0) return undefined;
		for (let i = 0; i < this.#rules.length; i++) {
			const live = this.#rules[i] as LiveRule;
			const { rule } = live;
			if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
			if (rule.route !== undefined && rule.route !== route) continue;
			if (rule.match !== undefined && !matchesBody(rule.match, body)) continue;
			live.remaining -= 1;
			if (live.remaining <= 0) this.#rules.splice(i, 1);
			return rule;
		}
		return undefined;
	}
}

function matchesBody(match: Readonly<Record<string, string | RegExp>>, body: unknown): boolean {
	for (const [path, expected] of Object.entries(match)) {
		const value = readPath(body, path);
		if (value === undefined || value === null) return false;
		const text = typeof value === "string" ? value : JSON.stringify(value);
		if (typeof expected === "string" ? text !== expected : !expected.test(text)) return false;
	}
	return true;
}

function readPath(value: unknown, path: string): unknown {
	let current = value;
	for (const segment of path.split(".")) {
		if (current === null || typeof current !== "object") return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}

/**
 * Turns the JSON form of a rule (admin PUT) into a rule: a `match` value may be a string
 * (exact) or `{ "regex": "..." , "flags"?: "i" }`. Throws one sentence on a bad rule.
 */
export function scriptedFaultFromJson(json: unknown): ScriptedFault {
	if (json === null || typeof json !== "object" || Array.isArray(json)) {
		throw new Error("A scripted fault must be a JSON object.");
	}
	const src = json as Record<string, unknown>;
	const rule: Record<string, unknown> = {};
	for (const key of ["method", "route", "kind", "when", "code", "message", "type", "field"] as const) {
		if (src[key] === undefined) continue;
		if (typeof src[key] !== "string") throw new Error(`Scripted fault ${key} must be a string.`);
		rule[key] = src[key];
	}
	for (const key of ["times", "status", "hangMs"] as const) {
		if (src[key] === undefined) continue;
		if (typeof src[key] !== "number") throw new Error(`Scripted fault ${key} must be a number.`);
		rule[key] = src[key];
	}
	if (rule.kind !== undefined && !["error", "reset", "hang"].includes(rule.kind as string)) {
		throw new Error(`Scripted fault kind must be error, reset or hang, got "${String(rule.kind)}".`);
	}
	if (rule.when !== undefined && rule.when !== "before" && rule.when !== "after") {
		throw new Error(`Scripted fault when must be before or after, got "${String(rule.when)}".`);
	}
	if (src.match !== undefined) {
		if (src.match === null || typeof src.match !== "object")
			throw new Error("Scripted fault match must be an object.");
		const match: Record<string, string | RegExp> = {};
		for (const [path, v] of Object.entries(src.match as Record<string, unknown>)) {
			if (typeof v === "string") match[path] = v;
			else if (v !== null && typeof v === "object" && typeof (v as { regex?: unknown }).regex === "string") {
				const { regex, flags } = v as { regex: string; flags?: unknown };
				try {
					match[path] = new RegExp(regex, typeof flags === "string" ? flags : "");
				} catch {
					throw new Error(`Scripted fault match for ${path} has an invalid regex "${regex}".`);
				}
			} else throw new Error(`Scripted fault match for ${path} must be a string or {"regex": "..."}.`);
		}
		rule.match = match;
	}
	return rule as ScriptedFault;
}
