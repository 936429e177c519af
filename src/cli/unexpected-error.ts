/**
 * What the command line says of an error nobody anticipated: one sentence, with every key and
 * database password the command line names kept out of it, and the advice a damaged state needs.
 * Apart from `main` (main.ts) and loaded only when such an error happens, so that `--version` and
 * `--help` load next to nothing.
 */

import { EXIT } from "../core/exit-codes.js";
import { escapeControls } from "../model/terminal-text.js";

/** The commands that cannot set a damaged state aside themselves. */
const COMMANDS_WITHOUT_FRESH: ReadonlySet<string> = new Set(["undo", "apply", "state"]);

/** Every database URL the command line names, whose password an unexpected error must not show. */
function stateUrlsOf(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
	const urls = argv.flatMap((arg) =>
		/postgres(ql)?:\/\//i.test(arg) ? [arg.replace(/^--[a-z-]+=/, "")] : [],
	);
	return env.PIVOTAL_STATE_URL ? [...urls, env.PIVOTAL_STATE_URL] : urls;
}

/**
 * Writes the sentence for `error` on stderr and returns the exit code: 2 for a state found
 * damaged (resuming would meet it again), else 3 (run the same command again).
 */
export async function sayUnexpected(
	error: unknown,
	argv: readonly string[],
	keys: readonly string[],
): Promise<number> {
	let message = error instanceof Error ? error.message : String(error);
	// These take no --fresh: they get the advice they can follow (set aside by an import). Read
	// off the error rather than by `instanceof`: the state's modules stay unloaded for `--version`.
	const withoutFresh = (error as { withoutFresh?: unknown } | undefined)?.withoutFresh;
	if (COMMANDS_WITHOUT_FRESH.has(argv[0] ?? "") && typeof withoutFresh === "string") message = withoutFresh;
	if (keys.length > 0) message = (await import("./secret-filter.js")).maskKeysIn(message, keys);
	const urls = stateUrlsOf(argv, process.env);
	if (urls.length > 0) {
		// Loaded only here: `--version` and `--help` load next to nothing.
		const { redact } = await import("../core/state/pg-url.js");
		for (const url of urls) message = redact(message, url);
	}
	// A state found damaged where it is read (past a load that took its lines on their digest)
	// says what to do itself; resuming would meet it again. Told apart by name: --version loads
	// nothing of the checkpoint.
	if (
		error instanceof Error &&
		error.name === "CheckpointError" &&
		(error as { code?: unknown }).code === "corrupt"
	) {
		process.stderr.write(`${escapeControls(message)}\n`);
		return EXIT.usage;
	}
	process.stderr.write(
		`pivotal-tui stopped on an unexpected error: ${escapeControls(message)}. Work already recorded in the checkpoint is kept; run the same command again to resume.\n`,
	);
	if (process.env.PIVOTAL_TUI_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
	return EXIT.interrupted;
}
