import { parseArgs } from "node:util";
import { FAULT_SPEC_GRAMMAR, parseFaultSpec } from "./fault-config.js";
import type { SimulatorOptions } from "./options.js";
import { startSimulator } from "./simulator.js";

/** Where the command writes; tests pass string sinks and an AbortSignal instead of real signals. */
export interface SimCommandIo {
	readonly stdout: { write(chunk: string): unknown };
	readonly stderr: { write(chunk: string): unknown };
	/** Stops the simulator like SIGINT does. @default none (only SIGINT/SIGTERM stop it) */
	readonly signal?: AbortSignal;
}

export const SIM_USAGE =
	"Usage: pivotal-tui sim [--port N] [--host H] [--rate-limit N] [--test-rate-limit N] [--window SECONDS] " +
	"[--faults SPEC] [--seed N] [--idempotency-ttl SECONDS]";

class UsageError extends Error {}

function integer(
	flag: string,
	value: string | undefined,
	min: number,
	max = 1_000_000_000,
): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
		throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${value}".`);
	}
	return Number(value);
}

function seconds(flag: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
	if (!(n > 0)) throw new UsageError(`--${flag} must be a positive number of seconds, got "${value}".`);
	return Math.round(n * 1000);
}

/** parseArgs messages span several lines; the user gets one sentence naming the flag or argument. */
function describeParseError(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	const name = /'([^']+)'/.exec(message)?.[1] ?? "";
	switch ((error as { code?: string }).code) {
		case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
			return `Unknown flag ${name}; run "pivotal-tui sim --help" to see the flags.`;
		case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
			return `Flag ${name} needs a value (write ${name}=VALUE if the value starts with a dash).`;
		case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
			return `Unexpected argument "${name}"; "pivotal-tui sim" takes flags only.`;
		default:
			return `${message.split("\n")[0]} ${SIM_USAGE}`;
	}
}

function parseOptions(argv: string[]): SimulatorOptions | "help" {
	let values: Record<string, string | boolean | undefined>;
	try {
		({ values } = parseArgs({
			args: argv,
			strict: true,
			allowPositionals: false,
			options: {
				port: { type: "string" },
				host: { type: "string" },
				"rate-limit": { type: "string" },
				"test-rate-limit": { type: "string" },
				window: { type: "string" },
				faults: { type: "string" },
				seed: { type: "string" },
				"idempotency-ttl": { type: "string" },
				help: { type: "boolean", short: "h" },
			},
		}));
	} catch (error) {
		throw new UsageError(describeParseError(error));
	}
	if (values.help === true) return "help";
	const str = (k: string): string | undefined =>
		typeof values[k] === "string" ? (values[k] as string) : undefined;
	const options: { -readonly [K in keyof SimulatorOptions]: SimulatorOptions[K] } = {};
	const port = integer("port", str("port"), 0, 65535);
	if (port !== undefined) options.port = port;
	const host = str("host");
	if (host !== undefined) options.host = host;
	const rateLimit = integer("rate-limit", str("rate-limit"), 1);
	if (rateLimit !== undefined) options.rateLimit = rateLimit;
	const testRateLimit = integer("test-rate-limit", str("test-rate-limit"), 1);
	if (testRateLimit !== undefined) options.testRateLimit = testRateLimit;
	const windowMs = seconds("window", str("window"));
	if (windowMs !== undefined) options.windowMs = windowMs;
	const seed = integer("seed", str("seed"), 0, 0xffffffff);
	if (seed !== undefined) options.seed = seed;
	const ttl = seconds("idempotency-ttl", str("idempotency-ttl"));
	if (ttl !== undefined) options.idempotencyTtlMs = ttl;
	const faults = str("faults");
	if (faults !== undefined) {
		try {
			options.faults = parseFaultSpec(faults);
		} catch (error) {
			throw new UsageError(`--faults: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
	return options;
}

/**
 * `pivotal-tui sim …`: starts the simulator, prints its base URL alone on the first stdout line
 * (scripts read that line), then a hint, and runs until SIGINT/SIGTERM (or `io.signal`).
 * Resolves 0 after a clean close, 2 on bad usage, 1 if the port cannot be bound.
 */
export async function runSimCommand(
	argv: string[],
	io: SimCommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
	let options: SimulatorOptions | "help";
	try {
		options = parseOptions(argv);
	} catch (error) {
		io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		return 2;
	}
	if (options === "help") {
		io.stdout.write(`${SIM_USAGE}\n--faults SPEC: ${FAULT_SPEC_GRAMMAR}.\n`);
		return 0;
	}
	let sim: Awaited<ReturnType<typeof startSimulator>>;
	try {
		sim = await startSimulator(options);
	} catch (error) {
		const code = (error as { code?: string }).code;
		const where = `${options.host ?? "127.0.0.1"}:${options.port ?? 0}`;
		io.stderr.write(
			code === "EADDRINUSE"
				? `Port ${options.port} is already in use; pick another with --port.\n`
				: `Could not start the simulator on ${where}: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		return 1;
	}
	io.stdout.write(`${sim.baseUrl}\n`);
	io.stdout.write(`Simulator ready (admin: ${sim.origin}/_admin/state). Press Ctrl+C to stop.\n`);
	await new Promise<void>((resolve) => {
		const stop = (): void => {
			process.off("SIGINT", stop);
			process.off("SIGTERM", stop);
			io.signal?.removeEventListener("abort", stop);
			resolve();
		};
		process.once("SIGINT", stop);
		process.once("SIGTERM", stop);
		if (io.signal?.aborted) stop();
		else io.signal?.addEventListener("abort", stop, { once: true });
	});
	await sim.close();
	return 0;
}
