/**
 * One side of row e, in a process of its own so that its CPU time is its alone: the same import
 * either headless (progress store and line reporter, as `import --headless`) or with the live
 * run screen rendered by Ink into a terminal-sized sink. Prints one JSON line of measurements.
 */

import { PassThrough, Writable } from "node:stream";
import { createClient } from "../../src/api/client.js";
import { keyFingerprint } from "../../src/api/key.js";
import { startImport } from "../../src/core/engine.js";
import { ProgressStore } from "../../src/core/progress-store.js";
import type { SourceCheckSummary, SourceFiles } from "../../src/core/run-types.js";
import { LineReporter } from "../../src/report/headless.js";

export interface ChildArgs {
	readonly mode: "headless" | "tui";
	readonly baseUrl: string;
	readonly apiKey: string;
	readonly files: SourceFiles;
	readonly check: SourceCheckSummary;
	readonly checkpointPath: string;
	readonly concurrency: number;
	/**
	 * `NODE_ENV` for React and Ink, set before they load: React's development build costs
	 * several times its production build per render.
	 */
	readonly nodeEnv: string | undefined;
}

export interface ChildResult {
	readonly cpuMs: number;
	readonly elapsedMs: number;
	readonly events: number;
	readonly records: number;
	/** Bytes the output received: terminal frames, or progress lines. */
	readonly bytes: number;
	readonly writes: number;
	/** Frames Ink rendered, and the time its onRender metrics give them (TUI only). */
	readonly frames: number;
	readonly frameMs: number;
}

/** A 120×40 terminal that drops what it is sent and counts it. */
class SinkTerminal extends Writable {
	readonly isTTY = true;
	readonly columns = 120;
	readonly rows = 40;
	bytes = 0;
	writes = 0;
	override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
		this.bytes += chunk.length;
		this.writes += 1;
		callback();
	}
}

async function main(args: ChildArgs): Promise<ChildResult> {
	if (args.nodeEnv === undefined) delete process.env.NODE_ENV;
	else process.env.NODE_ENV = args.nodeEnv;
	// Loaded only now, and no JSX in this file: a static import would load React (through the
	// JSX runtime) before NODE_ENV is set, and a mix of builds renders nothing.
	const { createElement } = await import("react");
	const { render } = await import("ink");
	const { ThemeContext } = await import("../../src/ui/hooks/use-theme.js");
	const { LiveRun } = await import("../../src/ui/LiveRun.js");
	const { createTheme } = await import("../../src/ui/model/theme.js");
	const { RENDER_MAX_FPS } = await import("../../src/ui/model/frame-rate.js");
	let frames = 0;
	let frameMs = 0;
	const out = new SinkTerminal();
	const client = createClient({ baseUrl: args.baseUrl, apiKey: args.apiKey });
	const store = new ProgressStore();
	let events = 0;
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const run = startImport(
		{
			files: args.files,
			checkpointPath: args.checkpointPath,
			keyFingerprint: keyFingerprint(args.apiKey),
			baseUrl: args.baseUrl,
			concurrency: args.concurrency,
			check: args.check,
		},
		{ client },
	);
	let unmount: (() => void) | undefined;
	if (args.mode === "headless") {
		const lines = new LineReporter(out);
		run.subscribe((event) => {
			events += 1;
			store.dispatch(event);
			lines.onEvent(event, store.getSnapshot());
		});
	} else {
		run.subscribe((event) => {
			events += 1;
			store.dispatch(event);
		});
		const stdin = Object.assign(new PassThrough(), { isTTY: false });
		const instance = render(
			createElement(
				ThemeContext.Provider,
				{ value: createTheme(true) },
				createElement(LiveRun, {
					run,
					store,
					stop: () => run.stop(),
					summary: undefined,
					customersFile: args.files.customers,
					failuresCsvPath: undefined,
					now: Date.now,
					onConcurrency: () => {},
					onRetry: () => {},
					onExport: async () => "",
					onQuit: () => {},
				}),
			),
			{
				stdout: out as unknown as NodeJS.WriteStream,
				stderr: out as unknown as NodeJS.WriteStream,
				stdin: stdin as unknown as NodeJS.ReadStream,
				// As the wizard mounts it (src/ui/render-app.tsx).
				maxFps: RENDER_MAX_FPS,
				exitOnCtrlC: false,
				patchConsole: false,
				onRender: ({ renderTime }) => {
					frames += 1;
					frameMs += renderTime;
				},
			},
		);
		unmount = () => instance.unmount();
	}
	const summary = await run.done;
	const cpu = process.cpuUsage(cpuBefore);
	const elapsedMs = performance.now() - started;
	unmount?.();
	store.close();
	await run.close();
	await client.close();
	const records = Object.values(summary.passes).reduce((n, p) => n + p.created, 0);
	return {
		cpuMs: (cpu.user + cpu.system) / 1000,
		elapsedMs,
		events,
		records,
		bytes: out.bytes,
		writes: out.writes,
		frames,
		frameMs,
	};
}

const result = await main(JSON.parse(process.argv[2] ?? "{}") as ChildArgs);
process.stdout.write(`${JSON.stringify(result)}\n`);
