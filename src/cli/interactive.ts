import { resolve } from "node:path";
import { DEFAULT_BASE_URL } from "../app/connection.js";
import { createSettings, type Settings } from "../config/settings.js";
import { escapeControlsKeepingLines } from "../model/terminal-text.js";
import { isColorWanted } from "../ui/model/theme.js";
import { renderApp } from "../ui/render-app.js";
import type { UiServices, WizardPrefill } from "../ui/services.js";
import { nodeServices } from "../ui/services-node.js";

export interface InteractiveOptions {
	/** Folder whose CSV files the wizard lists. @default process.cwd() */
	readonly folder?: string;
	/** @default process.env */
	readonly env?: Readonly<Record<string, string | undefined>>;
	/** Variables whose keys the key step offers (`--key-env`), ticked when several. @default ["PIVOTAL_API_KEY"] */
	readonly keyVariables?: readonly string[] | undefined;
	/** @default env PIVOTAL_API_URL, else https://my.pivotal.app/api/v1 */
	readonly baseUrl?: string;
	/** The server's rate-limit window. @default env PIVOTAL_WINDOW_SECONDS × 1000, else 60000 */
	readonly windowMs?: number;
	/** @default the user's conf settings file */
	readonly settings?: Settings;
	/** @default process.stdin */
	readonly stdin?: NodeJS.ReadStream;
	/** @default process.stdout */
	readonly stdout?: NodeJS.WriteStream;
	/** @default process.stderr */
	readonly stderr?: NodeJS.WriteStream;
	/** Replace single services (tests). */
	readonly services?: Partial<UiServices>;
	/** Files to highlight in the wizard (`demo`). */
	readonly prefill?: WizardPrefill;
	/** First lines printed above the wizard (`demo` names its simulator). */
	readonly banner?: string;
}

/** `pivotal-tui` with no command: the wizard, the run, the summary. Resolves with the exit code. */
export async function runInteractive(options: InteractiveOptions = {}): Promise<number> {
	const env = options.env ?? process.env;
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	if (!stdout.isTTY) {
		stderr.write(
			"pivotal-tui needs a terminal for the interactive wizard; for scripts and CI use: pivotal-tui import FILE --headless\n",
		);
		return 2;
	}
	if (env.PIVOTAL_STATE_URL) {
		// The wizard keeps its state in a file beside the customers file: run from here, an import
		// whose state is in the database would start a second state of its own and sync from scratch.
		stderr.write(
			'PIVOTAL_STATE_URL is set, and the wizard keeps its state in a file beside the customers file, so a run from it would start a second state of the import. Run the import headless with the database state (pivotal-tui import FILE --state "$PIVOTAL_STATE_URL"), or unset PIVOTAL_STATE_URL to use the wizard with a file state.\n',
		);
		return 2;
	}
	const windowSeconds = Number(env.PIVOTAL_WINDOW_SECONDS);
	const services: UiServices = {
		...nodeServices({
			folder: resolve(options.folder ?? process.cwd()),
			baseUrl: options.baseUrl ?? (env.PIVOTAL_API_URL || DEFAULT_BASE_URL),
			env,
			keyVariables: options.keyVariables,
			settings: options.settings ?? createSettings(),
			windowMs: options.windowMs ?? (windowSeconds > 0 ? windowSeconds * 1000 : undefined),
		}),
		...options.services,
	};
	if (options.banner) stdout.write(`${options.banner}\n`);
	const result = await renderApp({
		services,
		prefill: options.prefill,
		isColor: isColorWanted(env),
		...(options.stdin ? { stdin: options.stdin } : {}),
		stdout,
		stderr,
	});
	// After Ink has let go of the terminal, so the hint stays on screen.
	if (result.message) stdout.write(`${escapeControlsKeepingLines(result.message)}\n`);
	return result.code;
}
