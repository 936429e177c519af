import { secondsLeft } from "../model/format.js";
import { type UseNowOptions, useNow } from "./use-now.js";

/** Whole seconds until `untilMs` (0 once passed, `undefined` without a deadline), ticking each second. */
export function useCountdown(
	untilMs: number | undefined,
	options: Omit<UseNowOptions, "isActive"> = {},
): number | undefined {
	const now = useNow({ ...options, isActive: untilMs !== undefined });
	return untilMs === undefined ? undefined : secondsLeft(untilMs, now);
}
