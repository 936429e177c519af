import { useSyncExternalStore } from "react";
import type { ProgressSnapshot } from "../../core/progress.js";
import type { ProgressStore } from "../../core/progress-store.js";

/** The engine's snapshot; re-renders at most as often as the store announces (≤ every 100 ms). */
export function useProgress(store: Pick<ProgressStore, "subscribe" | "getSnapshot">): ProgressSnapshot {
	return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
