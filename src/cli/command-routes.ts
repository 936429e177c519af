/**
 * The commands that run against a state (`undo`, `apply`, `import`), from the parsed command
 * line: each command's own argument checks, the files it names for the reports, and its run
 * loaded only when it is the one asked for (`--version` and `--help` never load this file).
 */

import { EXIT } from "../core/exit-codes.js";
import type { ParsedCommandLine } from "./command-line.js";
import { givenFlags, kebab } from "./given-flags.js";
import type { CommandIo } from "./import-command.js";
import { SYNC_FLAGS } from "./sync-flags.js";

/** The flags of every command that runs against a state (keys, state, pacing, outputs), of the table in command-line.ts. */
const RUN_FLAGS = [
	"checkpoint",
	"state",
	"name",
	"lockTimeout",
	"headless",
	"yes",
	"json",
	"baseUrl",
	"keyEnv",
	"concurrency",
	"window",
	"verbose",
	"summaryMd",
	"notify",
];

/** What `undo` takes. */
const UNDO_FLAGS = new Set([...RUN_FLAGS, "all", "previous", "dryRun"]);

/** What `apply` takes. */
const APPLY_FLAGS = new Set([...RUN_FLAGS, "failuresCsv", "resultsCsv"]);

/** `undo`, `apply` or `import` (any other word was refused before): checked, then run. */
export function routeCommand(
	command: string,
	rest: readonly string[],
	cli: ParsedCommandLine,
	io: CommandIo,
): Promise<number> {
	const [file, ...extra] = cli.input.slice(1);
	const given = { file, extra, rest };
	if (command === "undo") return routeUndo(given, cli, io);
	if (command === "apply") return routeApply(given, cli, io);
	return routeImport(given, cli, io);
}

/** The words after the command: its one file, anything more, and the options as typed. */
interface Given {
	readonly file: string | undefined;
	readonly extra: readonly string[];
	readonly rest: readonly string[];
}

/** `undo CUSTOMERS.csv`: the customers file of the import to take back. */
async function routeUndo(
	{ file: customers, extra, rest }: Given,
	cli: ParsedCommandLine,
	io: CommandIo,
): Promise<number> {
	if (!customers || extra.length > 0) {
		process.stderr.write(
			"undo takes the customers CSV of the import to take back: pivotal-tui undo CUSTOMERS.csv\n",
		);
		return EXIT.usage;
	}
	const foreign = givenFlags(rest).find((name) => !UNDO_FLAGS.has(name));
	if (foreign) {
		process.stderr.write(`undo does not take --${kebab(foreign)}; run pivotal-tui --help for its options.\n`);
		return EXIT.usage;
	}
	if (cli.flags.all && cli.flags.previous) {
		process.stderr.write("--all takes back every run already; give --all or --previous, not both.\n");
		return EXIT.usage;
	}
	const { runUndoCommand } = await import("./undo-command.js");
	const { withRunOutputs } = await import("./run-outputs.js");
	const { defaultCheckpointPath } = await import("../core/engine.js");
	const undone = customers;
	const inputs = [
		{ what: "the customers file", path: undone },
		{ what: "the state", path: cli.flags.checkpoint ?? defaultCheckpointPath(undone) },
	];
	return withRunOutputs("undo", cli.flags, io, inputs, (withIo) => runUndoCommand(undone, cli.flags, withIo));
}

/** `apply PLAN.json`: the plan holds the files, the rules and the options. */
async function routeApply(
	{ file: plan, extra, rest }: Given,
	cli: ParsedCommandLine,
	io: CommandIo,
): Promise<number> {
	if (!plan || extra.length > 0) {
		process.stderr.write(
			"apply takes one plan file, made by import --dry-run --plan-out: pivotal-tui apply PLAN.json\n",
		);
		return EXIT.usage;
	}
	const foreign = givenFlags(rest).find((name) => !APPLY_FLAGS.has(name));
	if (foreign && Object.hasOwn(SYNC_FLAGS, foreign)) {
		// The operations were reviewed under the plan's rules: another rule would be another plan.
		process.stderr.write(
			`apply does not take --${kebab(foreign)}: the plan holds the sync rules it was made with; to change them, plan again: pivotal-tui import … --dry-run --${kebab(foreign)} --plan-out FILE.\n`,
		);
		return EXIT.usage;
	}
	if (foreign) {
		process.stderr.write(
			`apply does not take --${kebab(foreign)}: the plan holds the files and options; run pivotal-tui --help for its options.\n`,
		);
		return EXIT.usage;
	}
	const numbers = numbersProblem(cli.flags);
	if (numbers) {
		process.stderr.write(`${numbers}\n`);
		return EXIT.usage;
	}
	const { runApplyCommand } = await import("./apply-command.js");
	const { withRunOutputs } = await import("./run-outputs.js");
	return withRunOutputs("apply", cli.flags, io, [{ what: "the plan", path: plan }], (withIo) =>
		runApplyCommand(plan, cli.flags, withIo),
	);
}

/** `import CUSTOMERS.csv [--contacts FILE] [--onboardings FILE]`. */
async function routeImport(
	{ file: customers, extra }: Given,
	cli: ParsedCommandLine,
	io: CommandIo,
): Promise<number> {
	for (const flag of ["all", "previous"] as const) {
		if (!cli.flags[flag]) continue;
		process.stderr.write(`--${flag} goes with undo: pivotal-tui undo CUSTOMERS.csv --${flag}\n`);
		return EXIT.usage;
	}
	if (!customers || extra.length > 0) {
		process.stderr.write(
			customers
				? `import takes one customers file; give contacts and onboardings with --contacts and --onboardings.\n`
				: "import needs the customers CSV: pivotal-tui import CUSTOMERS.csv [--contacts FILE] [--onboardings FILE]\n",
		);
		return EXIT.usage;
	}
	const { flags } = cli;
	const { withRunOutputs } = await import("./run-outputs.js");
	const { defaultCheckpointPath } = await import("../core/engine.js");
	const inputs = [
		{ what: "the customers file", path: customers },
		...(flags.contacts ? [{ what: "the contacts file", path: flags.contacts }] : []),
		...(flags.onboardings ? [{ what: "the onboardings file", path: flags.onboardings }] : []),
		...(flags.map ? [{ what: "the map", path: flags.map }] : []),
		{ what: "the state", path: flags.checkpoint ?? defaultCheckpointPath(customers) },
	];
	const numbers = numbersProblem(flags);
	// Refused like any other input: the summary and the notify say so too.
	if (numbers)
		return withRunOutputs("import", flags, io, inputs, async (withIo) => {
			withIo.stderr.write(`${numbers}\n`);
			return EXIT.usage;
		});
	const { runImportCommand } = await import("./import-command.js");
	return withRunOutputs("import", flags, io, inputs, (withIo) => runImportCommand(customers, flags, withIo));
}

/** `--concurrency` and `--window` as a run can use them, or the sentence that refuses them. */
export function numbersProblem(flags: {
	concurrency?: number | undefined;
	window?: number | undefined;
}): string | undefined {
	if (flags.concurrency !== undefined && !(Number.isInteger(flags.concurrency) && flags.concurrency >= 1))
		return `--concurrency must be a whole number of at least 1, not ${flags.concurrency}.`;
	if (flags.window !== undefined && !(flags.window > 0))
		return `--window must be a positive number of seconds, not ${flags.window}.`;
	return undefined;
}
