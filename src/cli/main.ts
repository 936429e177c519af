import { readFileSync } from "node:fs";
import meow from "meow";
import { maskKey } from "../api/key.js";
import { EXIT } from "../core/exit-codes.js";
import { runImportCommand } from "./import-command.js";

const HELP = `
  Bulk-import customers, contacts and onboardings from CSV into the Pivotal API:
  paced to the key's rate limit, retried, idempotent and resumable.

  Usage
    $ pivotal-tui                          interactive wizard (needs a terminal)
    $ pivotal-tui import CUSTOMERS.csv [--contacts FILE] [--onboardings FILE] [options]
    $ pivotal-tui sim [--port N] [--rate-limit N] [--window SECONDS] [--faults SPEC] [--seed N]
    $ pivotal-tui demo                     local simulator + sample files, in the wizard

  Import options
    --contacts FILE        contacts CSV (customer_external_id, name, email, ...)
    --onboardings FILE     onboardings CSV (customer_external_id, name, phase, ...)
    --base-url URL         API root (env PIVOTAL_API_URL; default https://my.pivotal.app/api/v1)
    --concurrency N        requests in flight (default: chosen from the key's rate limit)
    --checkpoint FILE      default CUSTOMERS.csv.checkpoint.json
    --headless             plain progress lines, no screen (implied when stdout is not a terminal)
    --json                 NDJSON events on stdout, the summary last
    --dry-run              validate and estimate; send nothing
    --yes                  no confirmation prompt
    --fresh                set an existing checkpoint aside and start over
    --retry-failed         also resend records that failed for good last time (4xx), once fixed
    --failures-csv FILE    write failed rows with status, code, message and attempts
    --key-env NAME         read the key from this variable (default PIVOTAL_API_KEY)
    --window SECONDS       the server's rate-limit window; import learns it from the
                           server's headers, this overrides (sim: its window, default 60)
    --verbose              one line per record

  The API key comes from the environment (PIVOTAL_API_KEY), never from a flag.

  Exit codes
    0 every record done · 1 finished, some failed · 2 bad usage or input (nothing sent)
    3 interrupted, resumable · 4 key refused
`;

function version(): string {
	const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
		version: string;
	};
	return pkg.version;
}

const KNOWN_FLAGS = new Set([
	"help",
	"version",
	"contacts",
	"onboardings",
	"base-url",
	"concurrency",
	"checkpoint",
	"headless",
	"json",
	"dry-run",
	"yes",
	"fresh",
	"retry-failed",
	"no-retry-failed",
	"failures-csv",
	"key-env",
	"window",
	"verbose",
	"no-headless",
	"no-json",
	"no-dry-run",
	"no-yes",
	"no-fresh",
	"no-verbose",
]);

/**
 * The command line. Returns the exit code. An error nobody anticipated still ends in one
 * sentence, not a stack trace (set PIVOTAL_TUI_DEBUG=1 for the trace); the checkpoint is
 * written record by record, so what was done stays done.
 */
export async function main(argv: readonly string[]): Promise<number> {
	try {
		return await dispatch(argv);
	} catch (error) {
		const key = process.env.PIVOTAL_API_KEY;
		let message = error instanceof Error ? error.message : String(error);
		if (key) message = message.replaceAll(key, maskKey(key));
		process.stderr.write(
			`pivotal-tui stopped on an unexpected error: ${message}. Work already recorded in the checkpoint is kept; run the same command again to resume.\n`,
		);
		if (process.env.PIVOTAL_TUI_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
		return EXIT.interrupted;
	}
}

async function dispatch(argv: readonly string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (command === "sim") {
		const { runSimCommand } = await import("../sim/command.js");
		return runSimCommand(rest);
	}
	if (command === "demo") {
		const { runDemo } = await import("./demo.js");
		return runDemo({});
	}
	const unknown = argv.find((arg) => {
		if (!arg.startsWith("--") || arg === "--") return false;
		const name = arg.slice(2).split("=")[0] ?? "";
		return !KNOWN_FLAGS.has(name);
	});
	if (unknown) {
		process.stderr.write(
			`Unknown option ${unknown.split("=")[0]}; run pivotal-tui --help for the options.\n`,
		);
		return EXIT.usage;
	}
	const cli = meow(HELP, {
		importMeta: import.meta,
		argv: [...argv],
		version: version(),
		description: false,
		allowUnknownFlags: false,
		flags: {
			contacts: { type: "string" },
			onboardings: { type: "string" },
			baseUrl: { type: "string" },
			concurrency: { type: "number" },
			checkpoint: { type: "string" },
			headless: { type: "boolean", default: false },
			json: { type: "boolean", default: false },
			dryRun: { type: "boolean", default: false },
			yes: { type: "boolean", default: false },
			fresh: { type: "boolean", default: false },
			retryFailed: { type: "boolean", default: false },
			failuresCsv: { type: "string" },
			keyEnv: { type: "string" },
			window: { type: "number" },
			verbose: { type: "boolean", default: false },
		},
	});
	const io = {
		stdout: process.stdout,
		stderr: process.stderr,
		env: process.env,
		stdinIsTty: process.stdin.isTTY === true,
	};
	if (command === undefined) {
		const { runInteractive } = await import("./interactive.js");
		return runInteractive({});
	}
	if (command !== "import") {
		process.stderr.write(`Unknown command “${command}”; run pivotal-tui --help for the commands.\n`);
		return EXIT.usage;
	}
	const [customers, ...extra] = cli.input.slice(1);
	if (!customers || extra.length > 0) {
		process.stderr.write(
			customers
				? `import takes one customers file; give contacts and onboardings with --contacts and --onboardings.\n`
				: "import needs the customers CSV: pivotal-tui import CUSTOMERS.csv [--contacts FILE] [--onboardings FILE]\n",
		);
		return EXIT.usage;
	}
	const { flags } = cli;
	if (flags.concurrency !== undefined && !(Number.isInteger(flags.concurrency) && flags.concurrency >= 1)) {
		process.stderr.write(`--concurrency must be a whole number of at least 1, not ${flags.concurrency}.\n`);
		return EXIT.usage;
	}
	if (flags.window !== undefined && !(flags.window > 0)) {
		process.stderr.write(`--window must be a positive number of seconds, not ${flags.window}.\n`);
		return EXIT.usage;
	}
	return runImportCommand(customers, flags, io);
}
