import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCheckpoint, readCheckpoint } from "../../../src/core/checkpoint/index.js";
import { keyOf } from "./crash-keys.js";
import { tempDir } from "./helpers.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "../../..");
const KILLS = 12;

let dir: string;
let cleanup: () => void;
/** A runnable child script, or why there is none. */
let child: { readonly script: string } | { readonly skip: string };

/**
 * The child runs outside vitest, so it needs JavaScript. Bundle it from the TypeScript sources
 * (always current) with rolldown, which vitest's vite brings; failing that, use the tsc build
 * that `npm test` makes first.
 */
async function prepareChild(): Promise<typeof child> {
	const script = join(dir, "crash-child.mjs");
	try {
		const { build } = await import("rolldown");
		await build({
			input: join(here, "crash-child.ts"),
			platform: "node",
			logLevel: "silent",
			output: { file: script, format: "esm" },
		});
		return { script };
	} catch {
		const built = join(repo, "dist/test/core/checkpoint/crash-child.js");
		if (fs.existsSync(built)) return { script: built };
		return { skip: "no child script: rolldown is unavailable and dist/ is missing; run `npm run build`" };
	}
}

beforeAll(async () => {
	({ dir, cleanup } = tempDir());
	child = await prepareChild();
});
afterAll(() => cleanup());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the child, SIGKILLs it `delayMs` after it is ready, and returns the indexes it acknowledged. */
async function runAndKill(script: string, path: string, start: number, delayMs: number): Promise<number[]> {
	const proc: ChildProcess = spawn(process.execPath, [script, path, String(start)], {
		stdio: ["ignore", "pipe", "pipe"],
	});
	let out = "";
	let err = "";
	proc.stderr?.on("data", (chunk: Buffer) => {
		err += chunk.toString();
	});
	const exited = new Promise<void>((resolve) => proc.on("exit", () => resolve()));
	await new Promise<void>((resolve, reject) => {
		proc.stdout?.on("data", (chunk: Buffer) => {
			out += chunk.toString();
			if (out.startsWith("ready\n")) resolve();
		});
		proc.on("exit", () => reject(new Error(`child exited before it was ready: ${err}`)));
	});
	await sleep(delayMs);
	proc.kill("SIGKILL");
	await exited;
	expect(proc.signalCode, err).toBe("SIGKILL");
	// A line without its newline may have been cut by the kill: not an acknowledgement.
	return out
		.split("\n")
		.slice(1, -1)
		.map((line) => Number(line));
}

describe("SIGKILL at random moments", () => {
	it(`loses no acknowledged update over ${KILLS} kills and resumes`, async (context) => {
		if ("skip" in child) {
			context.skip(child.skip);
			return;
		}
		const path = join(dir, "customers.csv.checkpoint.json");
		/** Highest acknowledged index per pass/key. */
		const acked = new Map<string, number>();
		let next = 0;
		let total = 0;
		for (let kill = 0; kill < KILLS; kill++) {
			const indexes = await runAndKill(child.script, path, next, Math.floor(Math.random() * 60));
			for (const i of indexes) {
				const { pass, key } = keyOf(i);
				acked.set(`${pass}/${key}`, i);
			}
			total += indexes.length;
			const data = await readCheckpoint(path);
			expect(data, `after kill ${kill + 1}`).toBeDefined();
			expect(data?.recoveredFrom).toBeUndefined();
			let newest = next - 1;
			for (const [id, i] of acked) {
				const [pass, key] = id.split("/") as [keyof NonNullable<typeof data>["records"], string];
				const state = data?.records[pass].get(key);
				const attempts = state?.s === "sent" ? state.attempts : -1;
				expect(attempts, `kill ${kill + 1}: ${id} acknowledged at ${i}`).toBeGreaterThanOrEqual(i);
				newest = Math.max(newest, attempts);
			}
			next = newest + 1;
		}
		expect(total).toBeGreaterThan(KILLS); // the kills landed while updates were flowing
		const { store, resumed } = await openCheckpoint({
			path,
			create: () => {
				throw new Error("must resume");
			},
		});
		expect(resumed).toBe(true);
		await store.close();
	}, 20_000);
});
