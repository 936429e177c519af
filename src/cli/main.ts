import { packageVersion } from "../config/package-version.js";
import { EXIT } from "../core/exit-codes.js";
import { hasControls } from "../model/terminal-text.js";
import { checkArgv, meowMessage, shown } from "./argv.js";
import { dropOutputOnClosedPipe } from "./closed-stdout.js";
import { BUILT_IN, FLAGS, HELP, type ParsedCommandLine, parse, VALUE_NAMES } from "./command-line.js";
import { terminalSafe } from "./terminal-writer.js";

// What a command needs is imported when it runs (`await import`), so that `--version` and
// `--help` load next to nothing and a headless run loads no wizard: keep it so.

/** Every key the command line may hold in memory, to keep out of an unexpected error's message. */
function secretsOf(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
	const names = new Set(["PIVOTAL_API_KEY"]);
	for (const [i, arg] of argv.entries()) {
		if (arg === "--key-env" && argv[i + 1]) names.add(argv[i + 1] ?? "");
		else if (arg.startsWith("--key-env=")) names.add(arg.slice("--key-env=".length));
	}
	return [...names].flatMap((name) => (env[name] ? [env[name] ?? ""] : []));
}

/**
 * The command line. Returns the exit code. An error nobody anticipated still ends in one
 * sentence, not a stack trace (set PIVOTAL_TUI_DEBUG=1 for the trace); the checkpoint is
 * written record by record, so what was done stays done.
 */
export async function main(argv: readonly string[]): Promise<number> {
	dropOutputOnClosedPipe(process.stdout);
	dropOutputOnClosedPipe(process.stderr);
	// Only when a value holds a control character: most command lines load nothing for it.
	if (argv.some(hasControls)) {
		const { controlNames, escapeNamesOnWrite } = await import("./name-filter.js");
		const names = controlNames(argv);
		escapeNamesOnWrite(process.stdout, names);
		escapeNamesOnWrite(process.stderr, names);
	}
	const keys = secretsOf(argv, process.env);
	if (keys.length > 0 || !isHelpOnly(argv)) {
		// Every command that reads data or a key masks keys in what it writes; `--version` and
		// `--help` with no key about load next to nothing.
		const { maskKeysOnWrite } = await import("./secret-filter.js");
		maskKeysOnWrite(process.stdout, keys);
		maskKeysOnWrite(process.stderr, keys);
	}
	try {
		const code = await dispatch(argv);
		// The command is over, its outcome said: a signal while the process winds down (a second
		// Ctrl-C after the first stopped the run) ends it with that outcome, not the signal's own
		// 130 or 143, which no exit code of the contract means (adversarial finding Q17).
		for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
			if (process.listenerCount(signal) === 0) process.on(signal, () => process.exit(code));
		return code;
	} catch (error) {
		// Loaded only here: `--version` and `--help` load next to nothing.
		const { sayUnexpected } = await import("./unexpected-error.js");
		return sayUnexpected(error, argv, keys);
	}
}

/** `--version` or `--help`, of the program or a command: nothing but text of our own is shown. */
function isHelpOnly(argv: readonly string[]): boolean {
	return argv.includes("--help") || argv.includes("--version");
}

async function dispatch(argv: readonly string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (command === "sim") {
		const { runSimCommand } = await import("../sim/command.js");
		return runSimCommand(rest);
	}
	if (command === "state") {
		const { runStateCommand } = await import("./state-command.js");
		return runStateCommand(rest, {
			stdout: process.stdout,
			stderr: process.stderr,
			env: process.env,
			stdinIsTty: process.stdin.isTTY === true,
		});
	}
	if (command === "demo") {
		if (rest.length > 0) {
			process.stderr.write(
				`demo takes no arguments (got ${shown(rest[0]?.split("=")[0] ?? "")}); run pivotal-tui demo.\n`,
			);
			return EXIT.usage;
		}
		const { runDemo } = await import("./demo.js");
		return runDemo({});
	}
	const isHelp = command === "--help" || command === "--version";
	if (command?.startsWith("-") && !isHelp && !argv.includes("--help") && !argv.includes("--version")) {
		const { runWizardWithOptions } = await import("./wizard-command.js");
		return runWizardWithOptions(argv);
	}
	if (command !== undefined && command !== "import" && command !== "undo" && command !== "apply" && !isHelp) {
		process.stderr.write(`Unknown command “${command}”; run pivotal-tui --help for the commands.\n`);
		return EXIT.usage;
	}
	const problem = checkArgv(isHelp ? argv : rest, {
		flags: { ...FLAGS, ...BUILT_IN },
		valueNames: VALUE_NAMES,
	});
	if (problem) {
		process.stderr.write(`${problem}\n`);
		return EXIT.usage;
	}
	// Anywhere before `--`, as most commands do: `import --help` too. Answered before meow loads.
	const options = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
	if (options.includes("--help")) {
		// As meow showed it: a blank line after the text, and before it when asked with no command.
		const lead = command === "--help" ? "\n" : "";
		process.stdout.write(`${lead}${HELP.replace(/^\n+/, "").replace(/\s+$/, "")}\n\n`);
		return EXIT.ok;
	}
	if (options.includes("--version")) {
		process.stdout.write(`${packageVersion()}\n`);
		return EXIT.ok;
	}
	let cli: ParsedCommandLine;
	try {
		cli = await parse(argv);
	} catch (error) {
		// checkArgv should have said it first; whatever meow still throws is a usage mistake too.
		process.stderr.write(`${meowMessage(error)}\n`);
		return EXIT.usage;
	}
	// Headless output only: the wizard (Ink) draws on process.stdout itself.
	const io = {
		stdout: terminalSafe(process.stdout),
		stderr: terminalSafe(process.stderr),
		env: process.env,
		stdinIsTty: process.stdin.isTTY === true,
	};
	if (command === undefined) {
		const { runInteractive } = await import("./interactive.js");
		return runInteractive({});
	}
	if (cli.flags.notify !== undefined) {
		const { notifyUrlProblem } = await import("../report/notify.js");
		const problem = notifyUrlProblem(cli.flags.notify);
		if (problem) {
			process.stderr.write(`${problem}\n`);
			return EXIT.usage;
		}
	}
	const { routeCommand } = await import("./command-routes.js");
	return routeCommand(command, rest, cli, io);
}
