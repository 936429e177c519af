/**
 * `import … --keep-pivotal-edits` typed at a terminal: the wizard does not take the sync rules, so
 * it is not handed the run (it would run without the rule and clobber the edit the rule was given
 * to keep). The run is shown and asked for in text, as with --headless, and keeps the edit
 * (adversarial finding J7). Driven in tmux, as a person would.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { generateDataset } from "../support/generate.js";
import { tempDir } from "../support/temp-dirs.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/pivotal-tui.js");
const KEY = "pivotal_live_E2eWizOptsKey0000c4d5";
const SOCKET = `pivotal-tui-e2e-opts-${process.pid}`;
const SESSION = "opts";

let sim: Simulator;
let folder: string;
let socketPath: string | undefined;

function tmux(...args: string[]): string {
	return execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
}

async function until(check: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const text = tmux("capture-pane", "-p", "-t", SESSION);
		if (check(text)) return text;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Screen:\n${text}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

beforeAll(async () => {
	folder = tempDir("pivotal-tui-e2e-opts-");
	await generateDataset({
		dir: folder,
		customers: 5,
		contactsPerCustomer: 0,
		onboardingsPerCustomer: 0,
		seed: 5,
	});
	sim = await startSimulator({ keys: [{ key: KEY, name: "opts key", rateLimit: 600 }] });
	tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", SESSION, "sleep 600");
	socketPath = tmux("display-message", "-p", "#{socket_path}").trim();
});

afterAll(async () => {
	try {
		tmux("kill-server");
	} catch {
		// Already gone.
	}
	if (socketPath) rmSync(socketPath, { force: true });
	await sim?.close();
});

describe("sync rules typed at a terminal", () => {
	it("are not dropped by the wizard: the run is asked for in text and keeps the edit made in Pivotal", async () => {
		const customers = join(folder, "customers.csv");
		const env = { PIVOTAL_API_KEY: KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(["import", customers, "--headless", "--yes"], { env })).code).toBe(0);
		// A person renames cus_000001 in Pivotal; the export renames it too.
		const first = sim
			.state()
			.customers.find(
				(c) => (c as { metadata?: { external_id?: string } }).metadata?.external_id === "cus_000001",
			) as { id: string; name: string };
		const client = createClient({ baseUrl: sim.baseUrl, apiKey: KEY });
		await client.updateRecord("customers", first.id, JSON.stringify({ name: "Renamed By A Person" }));
		await client.close();
		writeFileSync(
			customers,
			readFileSync(customers, "utf8").replace(`${first.name},`, `${first.name} Export,`),
		);

		tmux(
			"respawn-pane",
			"-k",
			"-t",
			SESSION,
			`cd ${folder} && env PIVOTAL_API_URL=${sim.baseUrl} PIVOTAL_API_KEY=${KEY} XDG_CONFIG_HOME=${folder} node ${BIN} import customers.csv --keep-pivotal-edits; echo "EXIT=$?"; sleep 600`,
		);
		const asked = await until((s) => s.includes("[y/N]"), "the question");
		expect(asked).toContain("The terminal UI does not take --keep-pivotal-edits");
		tmux("send-keys", "-t", SESSION, "y", "Enter");
		const done = await until((s) => /EXIT=\d/.test(s), "the run's end");
		expect(done).toContain("EXIT=0");
		const after = sim.state().customers.find((c) => (c as { id: string }).id === first.id) as {
			name: string;
		};
		expect(after.name).toBe("Renamed By A Person");
		expect(done).not.toContain(KEY);
	}, 60_000);
});
