/**
 * `pivotal-tui --encoding NAME` and the like: the wizard, started with the options the command
 * line gives for reading the files. Apart from `main` (main.ts) and loaded only when the command
 * line starts with an option, so that `--version` and `--help` load next to nothing.
 */

import { EXIT } from "../core/exit-codes.js";
import { checkArgv, meowMessage } from "./argv.js";
import { BUILT_IN, FLAGS, type ParsedCommandLine, parse, VALUE_NAMES } from "./command-line.js";
import { givenFlags } from "./given-flags.js";

/** `pivotal-tui --encoding NAME` and the like: the wizard, reading files as the options say. */
export async function runWizardWithOptions(argv: readonly string[]): Promise<number> {
	const problem = checkArgv(argv, { flags: { ...FLAGS, ...BUILT_IN }, valueNames: VALUE_NAMES });
	let cli: ParsedCommandLine | undefined;
	if (problem === undefined) {
		try {
			cli = await parse(argv);
		} catch (error) {
			process.stderr.write(`${meowMessage(error)}\n`);
			return EXIT.usage;
		}
	}
	if (cli === undefined) {
		process.stderr.write(`${problem}\n`);
		return EXIT.usage;
	}
	const { wizardOptions } = await import("./wizard-options.js");
	const read = wizardOptions(cli.flags, givenFlags(argv), cli.input);
	if (!read.ok) {
		process.stderr.write(`${read.message}\n`);
		return EXIT.usage;
	}
	const { runInteractive } = await import("./interactive.js");
	return runInteractive({
		...(read.baseUrl === undefined ? {} : { baseUrl: read.baseUrl }),
		keyVariables: read.keyVariables,
		prefill: { source: read.source },
	});
}
