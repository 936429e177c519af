/**
 * The command line's declaration: the help text, the flags of `import`, `undo` and `apply` as
 * meow declares them (which `checkArgv` reads too), the names of their values, and meow's parse.
 * Apart from `main` (main.ts), which sets the process up and hands the command on, because the
 * wizard's launch (wizard-command.ts) and the commands' routes (command-routes.ts) read it too.
 */

import { packageVersion } from "../config/package-version.js";
import { SYNC_FLAGS, SYNC_HELP, SYNC_VALUE_NAMES } from "./sync-flags.js";

export const HELP = `
  Bulk-import customers, contacts and onboardings from CSV into the Pivotal API:
  paced to the key's rate limit, retried, idempotent and resumable.

  Usage
    $ pivotal-tui [--encoding NAME]        interactive wizard (needs a terminal)
    $ pivotal-tui import CUSTOMERS.csv [--contacts FILE] [--onboardings FILE] [options]
    $ pivotal-tui apply PLAN.json [--checkpoint FILE] [--yes] [options]
      (a file may be an .xlsx workbook: book.xlsx for its first sheet, book.xlsx#Sheet for one)
    $ pivotal-tui undo CUSTOMERS.csv [--checkpoint FILE] [--all | --previous] [--dry-run] [--yes] [options]
    $ pivotal-tui state copy FROM TO [--name NAME]   move a state between a file and Postgres
    $ pivotal-tui state list --state postgres://…    the imports a database holds
    $ pivotal-tui sim [--port N] [--rate-limit N] [--window SECONDS] [--faults SPEC] [--seed N]
    $ pivotal-tui demo                     local simulator + sample files, in the wizard

  Import options
    --contacts FILE        contacts CSV (customer_external_id, name, email, ...)
    --onboardings FILE     onboardings CSV (customer_external_id, name, phase, ...)
    --base-url URL         API root (env PIVOTAL_API_URL; default https://my.pivotal.app/api/v1)
    --concurrency N        requests in flight (default: chosen from the key's rate limit)
    --checkpoint FILE      default CUSTOMERS.csv.checkpoint.json
    --state LOC            a checkpoint file, or postgres://user@host/db (env PIVOTAL_STATE_URL);
                           the password may come from the URL, PGPASSWORD or ~/.pgpass
    --name NAME            the import's name in the database (default: the customers file's name)
    --lock-timeout SECONDS wait this long for another run of the import (default 0: refuse, exit 6)
    --headless             plain progress lines, no screen (implied when stdout is not a terminal)
    --json                 NDJSON events on stdout, the summary last
    --dry-run              validate and estimate; send nothing
    --plan-out FILE        with --dry-run: save the plan for pivotal-tui apply FILE
    --detailed-exitcode    with --dry-run: exit 5 when the plan has changes, 0 when none
    --yes                  no confirmation prompt
    --fresh                set an existing checkpoint aside and start over
    --retry-failed         also resend records that failed for good last time (4xx), once fixed
    --failures-csv FILE    write failed rows with http_status, code, message and attempts
    --results-csv FILE     write every row with its outcome, Pivotal id and display_id
    --summary-md FILE      a Markdown summary when the run ends (also appended to
                           $GITHUB_STEP_SUMMARY when that is set)
    --notify URL           POST a JSON summary when the run ends, however it ends
                           (Slack incoming-webhook compatible)
    --recreate             create records again that were deleted in Pivotal since the last sync
${SYNC_HELP}    --key-env NAME         read a key from this variable (default PIVOTAL_API_KEY); repeat it
                           for several keys of one workspace: their limits add up
    --window SECONDS       the server's rate-limit window; import learns it from the
                           server's headers, this overrides (sim: its window, default 60)
    --map FILE             map of the files' columns and values to ours (see the README)
    --encoding NAME        code page of files without a BOM, e.g. windows-1252 (default UTF-8)
    --delimiter C          , ; tab or | (default: detected from the header row)
    --skip-invalid         import the valid rows; list the invalid ones (and block their
                           contacts and onboardings) instead of refusing the run; exit 1
    --verbose              one line per record (with --dry-run: the first rows as sent)

  Apply options
    applies the saved plan exactly as reviewed; refuses (exit 2, nothing sent) a plan whose
    files, map or state changed since it was made, or made for another server or workspace
    a plan made with --state postgres://… applies with it (or PIVOTAL_STATE_URL)
    (and --checkpoint, --lock-timeout, --yes, --headless, --json, --base-url, --key-env, --concurrency,
    --window, --failures-csv, --results-csv, --summary-md, --notify, --verbose, as import)

  Undo options
    --all                  take back every run of the import, not only the most recent one
    --previous             right after an undo finished, take back the run before too (the
                           same command alone says the last run is taken back, and stops)
    (and --checkpoint, --dry-run, --yes, --headless, --json, --base-url, --key-env,
    --summary-md, --notify, as import)

  API keys come from the environment (PIVOTAL_API_KEY), never from a flag. The wizard
  saves a key, on request, in the OS credential store (else in its 0600 settings file).

  Exit codes
    0 every record done · 1 finished, some failed · 2 bad usage or input (nothing sent)
    3 interrupted, resumable · 4 key refused · 5 dry run with --detailed-exitcode: the plan
    has changes · 6 another run holds the state (nothing sent)
`;

/** The options of `import`, as meow declares them; `checkArgv` reads the same table. */
export const FLAGS = {
	contacts: { type: "string" },
	onboardings: { type: "string" },
	baseUrl: { type: "string" },
	concurrency: { type: "number" },
	checkpoint: { type: "string" },
	state: { type: "string" },
	name: { type: "string" },
	lockTimeout: { type: "number" },
	headless: { type: "boolean", default: false },
	json: { type: "boolean", default: false },
	dryRun: { type: "boolean", default: false },
	yes: { type: "boolean", default: false },
	fresh: { type: "boolean", default: false },
	retryFailed: { type: "boolean", default: false },
	failuresCsv: { type: "string" },
	resultsCsv: { type: "string" },
	recreate: { type: "boolean", default: false },
	keyEnv: { type: "string", isMultiple: true },
	window: { type: "number" },
	verbose: { type: "boolean", default: false },
	all: { type: "boolean", default: false },
	previous: { type: "boolean", default: false },
	map: { type: "string" },
	encoding: { type: "string" },
	delimiter: { type: "string" },
	...SYNC_FLAGS,
	planOut: { type: "string" },
	detailedExitcode: { type: "boolean", default: false },
	summaryMd: { type: "string" },
	notify: { type: "string" },
	skipInvalid: { type: "boolean", default: false },
} as const;

/** meow answers these itself (declaring them as flags would turn that off). */
export const BUILT_IN = {
	help: { type: "boolean", isMultiple: true },
	version: { type: "boolean", isMultiple: true },
} as const;

export const VALUE_NAMES = {
	contacts: "FILE",
	onboardings: "FILE",
	baseUrl: "URL",
	concurrency: "N",
	checkpoint: "FILE",
	state: "LOC",
	name: "NAME",
	lockTimeout: "SECONDS",
	failuresCsv: "FILE",
	resultsCsv: "FILE",
	map: "FILE",
	encoding: "NAME",
	delimiter: "C",
	planOut: "FILE",
	summaryMd: "FILE",
	notify: "URL",
	keyEnv: "NAME",
	window: "SECONDS",
	...SYNC_VALUE_NAMES,
};

/** The command line as meow parsed it (the commands' flags typed from `FLAGS`). */
export type ParsedCommandLine = Awaited<ReturnType<typeof parse>>;

export async function parse(argv: readonly string[]) {
	const { default: meow } = await import("meow");
	return meow(HELP, {
		importMeta: import.meta,
		argv: [...argv],
		version: packageVersion(),
		description: false,
		allowUnknownFlags: false,
		flags: FLAGS,
	});
}
