/**
 * Paired rounds: every round runs each side once, back to back, and a ratio is taken within a
 * round, never between one side's best and the other's. A neighbour that slows the machine for
 * a second then slows both halves of one round (the ratio barely moves) instead of one side's
 * whole sample. The published figure is the median of the per-round ratios, with min–max beside
 * it so that a reader sees how far the rounds disagreed.
 */

/** One side of a round: runs once and returns its measure (a rate, a time, a cost, or several). */
export type Side<T = number> = () => Promise<T>;

export interface RoundsOptions {
	/**
	 * Rounds whose measures are kept.
	 * @default 5
	 */
	readonly rounds?: number;
	/**
	 * Rounds run first and thrown away: the first thousands of requests of a fresh process run
	 * markedly slower on either side while the JIT compiles.
	 * @default 1
	 */
	readonly warmups?: number;
	/** Runs before every side of every round, e.g. a simulator reset; not timed. */
	readonly beforeEach?: () => Promise<void>;
}

/** At least this many counted rounds, whatever a row asks for. */
export const MIN_ROUNDS = 5;

/**
 * The order the sides run in round `round`: rotated by one each round, so that with two sides
 * each goes first in every other round and neither always inherits the other's warm caches (or
 * its garbage).
 */
export function roundOrder<K>(sides: readonly K[], round: number): K[] {
	const shift = sides.length === 0 ? 0 : round % sides.length;
	return [...sides.slice(shift), ...sides.slice(0, shift)];
}

/** Runs `sides` round by round and returns each side's measures, index `i` from round `i`. */
export async function runRounds<K extends string, T = number>(
	sides: Readonly<Record<K, Side<T>>>,
	options: RoundsOptions = {},
): Promise<Record<K, T[]>> {
	const rounds = Math.max(MIN_ROUNDS, options.rounds ?? MIN_ROUNDS);
	const warmups = options.warmups ?? 1;
	const names = Object.keys(sides) as K[];
	const measures = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
	for (let round = 0; round < warmups + rounds; round++) {
		for (const name of roundOrder(names, round)) {
			await options.beforeEach?.();
			const value = await sides[name]();
			if (round >= warmups) measures[name].push(value);
		}
	}
	return measures;
}

/** `numerator[i] ÷ denominator[i]` for every round. */
export function perRoundRatios(numerator: readonly number[], denominator: readonly number[]): number[] {
	if (numerator.length !== denominator.length)
		throw new Error(
			`paired ratios need as many rounds on each side (${numerator.length} vs ${denominator.length})`,
		);
	return numerator.map((n, i) => n / denominator[i]!);
}

/** Median and range of a sample. */
export interface Spread {
	readonly median: number;
	readonly min: number;
	readonly max: number;
	readonly count: number;
}

/** The median (mean of the middle two for an even count), min and max of `values`. */
export function spread(values: readonly number[]): Spread {
	if (values.length === 0) throw new Error("a spread needs at least one value");
	const sorted = [...values].sort((x, y) => x - y);
	const middle = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
	return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, count: sorted.length };
}

/** `0.71 (0.65–0.78)`: the median, then the range of the rounds. */
export function formatSpread(s: Spread, digits: number): string {
	return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}
