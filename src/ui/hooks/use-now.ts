import { useEffect, useState } from "react";

export interface UseNowOptions {
	/** @default Date.now */
	readonly now?: () => number;
	/** @default 1000 */
	readonly intervalMs?: number;
	/** Stop ticking (a finished run has nothing to count down). @default true */
	readonly isActive?: boolean;
}

/** The clock, re-read every `intervalMs`: drives countdowns and ages between engine events. */
export function useNow({ now = Date.now, intervalMs = 1000, isActive = true }: UseNowOptions = {}): number {
	const [value, setValue] = useState(now);
	useEffect(() => {
		if (!isActive) return;
		setValue(now());
		const timer = setInterval(() => setValue(now()), intervalMs);
		return () => clearInterval(timer);
	}, [now, intervalMs, isActive]);
	return value;
}
