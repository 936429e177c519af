import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SourceFiles } from "../../src/core/run-types.js";

/** The built binary, as users run it (`npm test` builds first). */
export const BIN = fileURLToPath(new URL("../../bin/pivotal-tui.js", import.meta.url));

export interface CliResult {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly stdout: string;
	readonly stderr: string;
}

export interface CliOptions {
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly cwd?: string;
	/** Kill the process (SIGKILL) after this long. */
	readonly killAfterMs?: number;
}

/** Start the binary; `result` settles when it exits. */
export function startCli(
	args: readonly string[],
	options: CliOptions = {},
): { child: ChildProcess; result: Promise<CliResult> } {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries({ ...process.env, NO_COLOR: "1", ...options.env })) {
		if (value !== undefined) env[name] = value;
	}
	const child = spawn(process.execPath, [BIN, ...args], {
		cwd: options.cwd ?? process.cwd(),
		env,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let stdout = "";
	let stderr = "";
	child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
		stdout += chunk;
	});
	child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
		stderr += chunk;
	});
	const timer =
		options.killAfterMs === undefined
			? undefined
			: setTimeout(() => child.kill("SIGKILL"), options.killAfterMs);
	const result = new Promise<CliResult>((resolve) => {
		child.on("close", (code, signal) => {
			if (timer) clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
	return { child, result };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
	return startCli(args, options).result;
}

/** `import FILES --headless …more`: the files given (contacts and onboardings when there are). */
export function headlessImportArgs(files: SourceFiles, ...more: string[]): string[] {
	return [
		"import",
		files.customers,
		...(files.contacts ? ["--contacts", files.contacts] : []),
		...(files.onboardings ? ["--onboardings", files.onboardings] : []),
		"--headless",
		...more,
	];
}
