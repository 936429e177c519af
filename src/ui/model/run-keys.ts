import type { RunStatus } from "../../core/progress.js";

/** What a key on the run screen does. */
export type RunAction = "toggle-pause" | "failures" | "more" | "less" | "quit" | "help";

export interface KeyBinding {
	readonly keys: readonly string[];
	readonly action: RunAction;
	/** The hint shown in the footer and the help: it may depend on the run's status. */
	readonly label: (status: RunStatus) => string;
	/** One sentence for the help screen. */
	readonly help: string;
}

/** The one key list: the footer, the help screen and the input handler are all built from it. */
export const RUN_KEYS: readonly KeyBinding[] = [
	{
		keys: ["p"],
		action: "toggle-pause",
		label: (s) => (s === "paused" || s === "pausing" ? "resume" : "pause"),
		help: "Pause: requests in flight finish, then nothing more is sent until you resume.",
	},
	{
		keys: ["f"],
		action: "failures",
		label: () => "failures",
		help: "Review failed records, retry them or export a CSV.",
	},
	{
		keys: ["+", "="],
		action: "more",
		label: () => "more",
		help: "One more request in flight (saved for this key).",
	},
	{
		keys: ["-", "_"],
		action: "less",
		label: () => "fewer",
		help: "One fewer request in flight (saved for this key).",
	},
	{
		keys: ["q"],
		action: "quit",
		label: () => "quit",
		help: "Stop gracefully: in-flight requests finish, the checkpoint is saved, run again to resume.",
	},
	{ keys: ["?"], action: "help", label: () => "help", help: "Show or hide this help." },
];

export function actionFor(input: string, bindings: readonly KeyBinding[] = RUN_KEYS): RunAction | undefined {
	return bindings.find((b) => b.keys.includes(input))?.action;
}

/** `p pause · f failures · +/- more/fewer …` is built from these pairs. */
export function footerHints(
	status: RunStatus,
	bindings: readonly KeyBinding[] = RUN_KEYS,
): readonly [string, string][] {
	return bindings.map((b) => [b.keys[0] ?? "", b.label(status)]);
}
