/**
 * Random fault settings. Error-type faults (5xx, resets, hangs) hit POSTs only unless `methods`
 * is "all": POST is where a lost answer is ambiguous and idempotency matters, and keeping GETs
 * clean lets a client's lookups stay deterministic. Latency applies to every authenticated
 * /api/v1 request because real networks slow reads too. /health and /_admin are never faulted.
 */
export interface FaultConfig {
	/** Probability of a 500 `internal_error` returned before any work is done. @default 0 */
	serverError: number;
	/** Probability of a 500 returned after the work was done and its idempotency record stored. @default 0 */
	serverErrorAfter: number;
	/** Probability the socket is destroyed, no response, before any work. @default 0 */
	reset: number;
	/** Probability the socket is destroyed after the work was done. @default 0 */
	resetAfter: number;
	/** Lower bound of the uniform latency added to each request, ms. @default 0 */
	latencyMinMs: number;
	/** Upper bound of the uniform latency, ms. @default 0 */
	latencyMaxMs: number;
	/** Probability of an extra slow-tail delay on top of the latency. @default 0 */
	tailProbability: number;
	/** Length of the slow-tail delay, ms. @default 1000 */
	tailMs: number;
	/** Probability of a hang: the request waits `hangMs` before being processed (client timeout tests). @default 0 */
	hang: number;
	/** Length of a hang, ms. @default 30000 */
	hangMs: number;
	/** Which methods the error faults and hangs apply to. @default "post" */
	methods: "post" | "all";
}

export const DEFAULT_FAULTS: Readonly<FaultConfig> = Object.freeze({
	serverError: 0,
	serverErrorAfter: 0,
	reset: 0,
	resetAfter: 0,
	latencyMinMs: 0,
	latencyMaxMs: 0,
	tailProbability: 0,
	tailMs: 1000,
	hang: 0,
	hangMs: 30_000,
	methods: "post",
});

const PROBABILITY_PARTS = {
	"5xx": "serverError",
	"5xx-after": "serverErrorAfter",
	reset: "reset",
	"reset-after": "resetAfter",
	hang: "hang",
} as const satisfies Record<string, keyof FaultConfig>;

/** Grammar of `--faults`, for help text and error messages. */
export const FAULT_SPEC_GRAMMAR =
	"comma-separated NAME=VALUE: 5xx, 5xx-after, reset, reset-after, hang = probability 0..1; " +
	"latency = MS or MIN-MAX; tail = PROBABILITY:MS; hang-ms = MS; methods = post|all";

/**
 * Parses a `--faults` spec such as `5xx=0.05,reset=0.03,5xx-after=0.03,reset-after=0.01,latency=5-40,hang=0`
 * into a partial config. Throws an Error whose message is one sentence naming the bad part.
 */
export function parseFaultSpec(spec: string): Partial<FaultConfig> {
	const out: Partial<FaultConfig> = {};
	const seen = new Set<string>();
	for (const raw of spec.split(",")) {
		const part = raw.trim();
		if (part === "") continue;
		const eq = part.indexOf("=");
		if (eq <= 0) throw new Error(`Fault spec part "${part}" is not NAME=VALUE (${FAULT_SPEC_GRAMMAR}).`);
		const name = part.slice(0, eq).trim().toLowerCase();
		const value = part.slice(eq + 1).trim();
		if (seen.has(name))
			throw new Error(`Fault spec part "${part}" repeats "${name}", which may appear once.`);
		seen.add(name);
		if (name in PROBABILITY_PARTS) {
			out[PROBABILITY_PARTS[name as keyof typeof PROBABILITY_PARTS]] = probability(part, value);
		} else if (name === "latency") {
			const m = /^(\d+)(?:-(\d+))?$/.exec(value);
			const min = Number(m?.[1]);
			const max = m?.[2] === undefined ? min : Number(m[2]);
			if (m === null || max < min) {
				throw new Error(`Fault spec part "${part}" needs latency=MS or latency=MIN-MAX with MIN <= MAX.`);
			}
			out.latencyMinMs = min;
			out.latencyMaxMs = max;
		} else if (name === "tail") {
			const m = /^([0-9.]+):(\d+)$/.exec(value);
			if (m === null)
				throw new Error(`Fault spec part "${part}" needs tail=PROBABILITY:MS, e.g. tail=0.01:2000.`);
			out.tailProbability = probability(part, m[1] ?? "");
			out.tailMs = Number(m[2]);
		} else if (name === "hang-ms") {
			if (!/^\d+$/.test(value))
				throw new Error(`Fault spec part "${part}" needs a whole number of milliseconds.`);
			out.hangMs = Number(value);
		} else if (name === "methods") {
			if (value !== "post" && value !== "all")
				throw new Error(`Fault spec part "${part}" must be methods=post or methods=all.`);
			out.methods = value;
		} else {
			throw new Error(`Fault spec part "${part}" names an unknown fault "${name}" (${FAULT_SPEC_GRAMMAR}).`);
		}
	}
	return out;
}

function probability(part: string, value: string): number {
	const p = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
	if (!(p >= 0 && p <= 1)) throw new Error(`Fault spec part "${part}" needs a probability between 0 and 1.`);
	return p;
}

/** Checks a config (from setFaults or the admin PUT) so a typo cannot silently disable faults. */
export function validateFaultConfig(config: FaultConfig): void {
	for (const key of [
		"serverError",
		"serverErrorAfter",
		"reset",
		"resetAfter",
		"hang",
		"tailProbability",
	] as const) {
		const v = config[key];
		if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
			throw new Error(
				`Fault setting ${key} must be a probability between 0 and 1, got ${JSON.stringify(v)}.`,
			);
		}
	}
	for (const key of ["latencyMinMs", "latencyMaxMs", "tailMs", "hangMs"] as const) {
		const v = config[key];
		if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
			throw new Error(
				`Fault setting ${key} must be a non-negative number of milliseconds, got ${JSON.stringify(v)}.`,
			);
		}
	}
	if (config.latencyMaxMs < config.latencyMinMs) {
		throw new Error(
			`Fault setting latencyMaxMs (${config.latencyMaxMs}) must not be below latencyMinMs (${config.latencyMinMs}).`,
		);
	}
	if (config.methods !== "post" && config.methods !== "all") {
		throw new Error(`Fault setting methods must be "post" or "all", got ${JSON.stringify(config.methods)}.`);
	}
}
