/**
 * `pivotal-tui --encoding windows-1252`: options with no command are the wizard's. The wizard
 * picks its files itself, so it takes only how they are read and where to send them; any other
 * option goes with a command, and options written before a command still go after it.
 */

import { readSettings, type SourceOptions } from "../source/index.js";
import type { ImportFlags } from "./import-command.js";

/** The options the wizard takes, by meow's camelCase name. */
export const WIZARD_FLAGS: ReadonlySet<string> = new Set(["encoding", "delimiter", "baseUrl", "keyEnv"]);

export interface WizardFlags {
	readonly encoding?: string | undefined;
	readonly delimiter?: string | undefined;
	readonly baseUrl?: string | undefined;
	readonly keyEnv?: readonly string[] | undefined;
}

export type WizardOptions =
	| {
			readonly ok: true;
			readonly source: SourceOptions;
			readonly baseUrl: string | undefined;
			readonly keyVariables: readonly string[] | undefined;
	  }
	| { readonly ok: false; readonly message: string };

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The wizard's options from the parsed command line; `given` are the flags written (camelCase),
 * `input` the words that are not options.
 */
export function wizardOptions(
	flags: WizardFlags,
	given: readonly string[],
	input: readonly string[],
): WizardOptions {
	if (input.length > 0) {
		const first = given[0] ?? "option";
		return {
			ok: false,
			message: `Options go after the command: pivotal-tui ${input[0]} … --${kebab(first)} …; run pivotal-tui --help for the commands.`,
		};
	}
	const foreign = given.find((name) => !WIZARD_FLAGS.has(name) && name !== "help" && name !== "version");
	if (foreign !== undefined) {
		return {
			ok: false,
			message: `--${kebab(foreign)} goes with a command (pivotal-tui import CUSTOMERS.csv --${kebab(foreign)} …); the wizard takes ${[...WIZARD_FLAGS].map((f) => `--${kebab(f)}`).join(", ")}.`,
		};
	}
	const settings = readSettings({ encoding: flags.encoding, delimiter: flags.delimiter });
	if (typeof settings === "string") return { ok: false, message: settings };
	return {
		ok: true,
		source: {
			...(flags.encoding === undefined ? {} : { encoding: flags.encoding }),
			...(flags.delimiter === undefined ? {} : { delimiter: flags.delimiter }),
		},
		baseUrl: flags.baseUrl,
		keyVariables: flags.keyEnv !== undefined && flags.keyEnv.length > 0 ? flags.keyEnv : undefined,
	};
}

/** The options of `import` that its terminal UI does not take, as the flags hold them. */
export type ImportOnlyFlags = Pick<
	ImportFlags,
	| "only"
	| "empty"
	| "keepPivotalEdits"
	| "deleteMissing"
	| "maxDeletes"
	| "retryFailed"
	| "recreate"
	| "resultsCsv"
	| "failuresCsv"
	| "summaryMd"
	| "skipInvalid"
>;

/**
 * The options given to `import` that the wizard does not take, as typed: handed to it, the run
 * would go without them (an edit in Pivotal `--keep-pivotal-edits` was given to keep, clobbered).
 */
export function optionsWizardLacks(flags: ImportOnlyFlags): string[] {
	const given: [string, boolean][] = [
		["--only", flags.only !== undefined],
		["--empty", flags.empty !== undefined],
		["--keep-pivotal-edits", flags.keepPivotalEdits === true],
		["--delete-missing", flags.deleteMissing === true],
		["--max-deletes", flags.maxDeletes !== undefined],
		["--retry-failed", flags.retryFailed === true],
		["--recreate", flags.recreate === true],
		["--results-csv", flags.resultsCsv !== undefined],
		["--failures-csv", flags.failuresCsv !== undefined],
		["--summary-md", flags.summaryMd !== undefined],
		["--skip-invalid", flags.skipInvalid === true],
	];
	return given.filter(([, isGiven]) => isGiven).map(([name]) => name);
}
