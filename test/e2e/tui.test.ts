import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/pivotal-tui.js");
const KEY = "pivotal_live_E2eTmuxKey000000a9b8";
const SOCKET = `pivotal-tui-e2e-${process.pid}`;
const SESSION = "tui";
const WINDOW_MS = 2_000;

let sim: Simulator;
let folder: string;
let home: string;
let socketPath: string | undefined;

function tmux(...args: string[]): string {
	return execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
}

function screen(): string {
	return tmux("capture-pane", "-p", "-t", SESSION);
}

async function until(check: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const text = screen();
		if (check(text)) return text;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Screen:\n${text}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keys only once the screen shows `text`, after a beat for the new screen's input handlers. */
async function press(text: string | RegExp, ...keys: string[]): Promise<void> {
	await until((s) => (typeof text === "string" ? s.includes(text) : text.test(s)), String(text));
	await sleep(150);
	tmux("send-keys", "-t", SESSION, ...keys);
}

function launch(): void {
	const env = [
		`PIVOTAL_API_URL=${sim.baseUrl}`,
		`PIVOTAL_API_KEY=${KEY}`,
		`PIVOTAL_WINDOW_SECONDS=${WINDOW_MS / 1000}`,
		// conf keeps settings under XDG_CONFIG_HOME: a temporary one, not the user's.
		`XDG_CONFIG_HOME=${home}`,
	].join(" ");
	tmux(
		"respawn-pane",
		"-k",
		"-t",
		SESSION,
		`cd ${folder} && env ${env} node ${BIN}; echo "EXIT=$?"; sleep 600`,
	);
}

beforeAll(async () => {
	if (!existsSync(join(ROOT, "dist/src/cli/main.js")))
		throw new Error("Build first: npx tsc -p . (npm test does).");
	folder = tempDir("pivotal-tui-e2e-");
	home = tempDir("pivotal-tui-e2e-home-");
	await generateDataset({
		dir: folder,
		customers: 80,
		// One contact each: the steps under test happen during the customers pass; each further
		// contact was 1/15 s more of waiting out the 30-per-2-s limit.
		contactsPerCustomer: 1,
		onboardingsPerCustomer: 1,
		seed: 11,
	});
	sim = await startSimulator({
		windowMs: WINDOW_MS,
		// 30 per 2 s: slow enough to pause mid-run, quick enough to finish in seconds.
		keys: [{ key: KEY, name: "e2e key", rateLimit: 30 }],
		scriptedFaults: ["cus_000005", "cus_000017"].map((id) => ({
			method: "POST",
			route: "/customers",
			match: { "metadata.external_id": id },
			status: 400,
			code: "invalid_domain",
			field: "domain",
			message: `domain of ${id} is blocked.`,
		})),
	});
	tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", SESSION, "sleep 600");
	socketPath = tmux("display-message", "-p", "#{socket_path}").trim();
});

afterAll(async () => {
	try {
		tmux("kill-server");
	} catch {
		// Already gone.
	}
	// A killed tmux server leaves its socket file behind.
	if (socketPath) rmSync(socketPath, { force: true });
	await sim?.close();
});

describe("pivotal-tui in tmux against the simulator", () => {
	it("pauses and resumes, quits to a checkpoint, resumes on relaunch, and lists the rejected rows", async () => {
		launch();
		await press(/customers file[\s\S]*❯ customers\.csv/, "Enter");
		await press(/contacts file[\s\S]*❯ contacts\.csv/, "Enter");
		await press(/onboardings file[\s\S]*❯ onboardings\.csv/, "Enter");
		await press("PIVOTAL_API_KEY pivotal_…a9b8", "Enter");
		await press("workspace Simulator Workspace", "Enter");
		await press("every row is valid", "Enter");

		// p: the screen says pausing, then paused; the simulator's POST count stops growing.
		await until((s) => /customers\s+80\s+[1-9]\d*/.test(s), "the first customers to be done");
		await press("importing", "p");
		await until((s) => s.includes("paused — press p to resume"), "paused");
		const atPause = sim.counters().posts;
		await sleep(1_500);
		expect(sim.counters().posts).toBe(atPause);
		expect(screen()).toContain("p resume");

		tmux("send-keys", "-t", SESSION, "p");
		await until(() => sim.counters().posts > atPause, "POSTs to flow again", 10_000);
		// The screen is drawn at most ten times a second: the next frame drops "paused".
		expect(await until((s) => !s.includes("paused"), "the paused line to clear", 5_000)).not.toContain(
			"paused",
		);

		// q: graceful stop, exit 3, the resume hint printed after the TUI is gone.
		tmux("send-keys", "-t", SESSION, "q");
		const stopped = await until((s) => s.includes("EXIT=3"), "exit 3");
		expect(stopped).toContain("Stopped. Progress is saved in");
		expect(stopped).toMatch(/Run pivotal-tui in \S+ again to resume where it left off/);
		expect(stopped).toContain("again to resume");
		expect(existsSync(join(folder, "customers.csv.checkpoint.json"))).toBe(true);

		// Relaunch: the checkpoint is offered; resume it to completion.
		launch();
		await until((s) => s.includes("Resume an import?"), "the resume offer");
		expect(screen()).toMatch(/Resume customers\.csv\s+customers \d+\/80/);
		await press("Resume customers.csv", "Enter");
		await press("PIVOTAL_API_KEY pivotal_…a9b8", "Enter");
		await press("workspace Simulator Workspace", "Enter");
		await press("every row is valid", "Enter");
		const summary = await until((s) => s.includes("Summary"), "the summary", 40_000);
		expect(summary).toMatch(/customers\s+80\s+\d+\s+\d+\s+2\s+0\s+0\s+78\/80/);
		expect(summary).toContain("invalid_domain 2");
		expect(screen()).not.toContain(KEY);

		await press("f failures", "f");
		const failures = await until((s) => s.includes("Failures (2)"), "the failures screen");
		expect(failures).toContain("customers · invalid_domain (2)");
		// Rows rejected before the quit come from the checkpoint, which keeps no line number.
		expect(failures).toMatch(/line (6|\?)\s+cus_000005\s+400 domain of cus_000005 is blocked\./);
		expect(failures).toMatch(/line (18|\?)\s+cus_000017\s+400 domain of cus_000017 is blocked\./);

		await press("Failures (2)", "Escape");
		await press("Summary", "q");
		await until((s) => s.includes("EXIT=1"), "exit 1 (finished with failures)");
	}, 90_000);
});
