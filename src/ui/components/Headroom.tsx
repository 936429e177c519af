import { Text } from "ink";
import type { ProgressSnapshot } from "../../core/progress.js";
import { useTheme } from "../hooks/use-theme.js";
import { headroomView } from "../model/run-view.js";
import { Bar } from "./Bar.js";

export interface HeadroomProps {
	readonly snapshot: ProgressSnapshot;
	readonly now: number;
}

/** The rate-limit window: remaining/limit, when it resets, current pace vs the limit, 429s. */
export function Headroom({ snapshot, now }: HeadroomProps) {
	const theme = useTheme();
	const h = headroomView(snapshot, now);
	if (!h) {
		return <Text dimColor>headroom: waiting for the first response · 429s {snapshot.rateLimited}</Text>;
	}
	return (
		<Text wrap="truncate-end">
			headroom <Bar ratio={h.ratio} width={10} role={h.ratio < 0.1 ? "warn" : "ok"} /> {h.remaining}/{h.limit}
			{"  "}reset {h.resetInS}s{"  "}pace {h.pace}/{h.limit}/min
			{"  "}
			<Text {...theme.tint(snapshot.rateLimited > 0 ? "warn" : undefined)}>429s {snapshot.rateLimited}</Text>
			{"  "}conc {snapshot.concurrency}
		</Text>
	);
}
