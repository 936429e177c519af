/**
 * The README's "Scheduled sync" recipe, run as written: the workflow's steps that call
 * pivotal-tui (through bash, as GitHub runs `run:` blocks, with $GITHUB_OUTPUT and
 * $GITHUB_STEP_SUMMARY) and the cron line, against the simulator: once with PIVOTAL_STATE_URL
 * unset (the state is the default file), once with it set to a real Postgres database, as the
 * workflow runs it.
 */

import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BIN } from "../support/cli.js";
import { generateDataset } from "../support/generate.js";
import { simulatorsPerTest, TEST_KEY, tempDir } from "../support/import-harness.js";
import { testPostgres } from "../support/postgres.js";

const README = fileURLToPath(new URL("../../README.md", import.meta.url));
const prepared = simulatorsPerTest();
const db = testPostgres();

/** The section of the README under `heading`, up to the next heading of any level. */
function section(markdown: string, heading: string): string {
	const start = markdown.indexOf(`\n${heading}\n`);
	expect(start, `README has ${heading}`).toBeGreaterThan(0);
	const rest = markdown.slice(start + heading.length + 2);
	const end = rest.search(/\n#{2,3} /);
	return end === -1 ? rest : rest.slice(0, end);
}

function fenced(text: string, language: string): string[] {
	return [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1] ?? "");
}

/** The `run: |` blocks of a workflow, by step name, unindented. */
function runBlocks(yaml: string): Map<string, string> {
	const blocks = new Map<string, string>();
	const lines = yaml.split("\n");
	let name = "";
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i] ?? "";
		const named = /^\s*- name: (.+)$/.exec(line);
		if (named) name = named[1] ?? "";
		const run = /^(\s*)run: \|$/.exec(line);
		if (!run) continue;
		const body: string[] = [];
		const indent = (run[1]?.length ?? 0) + 2;
		while (i + 1 < lines.length && (lines[i + 1]?.startsWith(" ".repeat(indent)) || lines[i + 1] === "")) {
			body.push((lines[i + 1] ?? "").slice(indent));
			i += 1;
		}
		blocks.set(name, body.join("\n"));
	}
	return blocks;
}

function bash(
	script: string,
	cwd: string,
	env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
	return new Promise((resolve) => {
		// GitHub runs a `run:` block as `bash -e {0}`.
		const child = spawn("bash", ["-e", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		child.stdout.on("data", (chunk) => {
			out += chunk;
		});
		child.stderr.on("data", (chunk) => {
			out += chunk;
		});
		child.on("close", (code) => resolve({ code, out }));
	});
}

const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("README: Scheduled sync", () => {
	it.each(["a state file", "a Postgres state"])(
		"the workflow's plan and apply steps and the cron line run as written, with %s",
		async (store) => {
			const stateUrl = store === "a Postgres state" ? await db.newDatabase() : undefined;
			const text = section(readFileSync(README, "utf8"), "### Scheduled sync");
			const [workflow] = fenced(text, "yaml");
			const [cron] = fenced(text, "sh");
			// The state comes from the repository's secrets, as DESIGN.md's Postgres store takes it.
			expect(workflow).toContain(`PIVOTAL_STATE_URL: ${"$"}{{ secrets.PIVOTAL_STATE_URL }}`);
			const steps = runBlocks(workflow ?? "");
			const plan = steps.get("Plan the sync");
			const apply = steps.get("Apply the reviewed plan");
			expect(plan).toContain("pivotal-tui import");
			expect(apply).toContain("pivotal-tui apply");

			const { sim } = await prepared({ rateLimit: 100_000, keys: [TEST_KEY] }, { customers: 1 });
			const posts: Array<Record<string, unknown>> = [];
			const hook = createServer((request, response) => {
				let raw = "";
				request.on("data", (chunk) => {
					raw += chunk;
				});
				request.on("end", () => {
					posts.push(JSON.parse(raw));
					response.end("ok");
				});
			});
			servers.push(hook);
			await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));

			// A checkout of the data repository, and `pivotal-tui` on the PATH as `npm install --global` puts it.
			const repo = tempDir();
			await generateDataset({
				dir: join(repo, "exports"),
				customers: 15,
				contactsPerCustomer: 1,
				onboardingsPerCustomer: 1,
			});
			const bin = join(repo, ".bin");
			mkdirSync(bin);
			writeFileSync(join(bin, "pivotal-tui"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
			chmodSync(join(bin, "pivotal-tui"), 0o755);
			const githubOutput = join(repo, "github-output");
			const stepSummary = join(repo, "step-summary.md");
			const env: Record<string, string> = {
				PATH: `${bin}:${process.env.PATH ?? ""}`,
				HOME: repo,
				NO_COLOR: "1",
				PIVOTAL_API_KEY: TEST_KEY,
				PIVOTAL_API_URL: sim.baseUrl,
				PIVOTAL_NOTIFY_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
				GITHUB_OUTPUT: githubOutput,
				GITHUB_STEP_SUMMARY: stepSummary,
				...(stateUrl ? { PIVOTAL_STATE_URL: stateUrl } : {}),
			};

			// The first night: the plan has changes, the reviewed plan is applied, the webhook hears once.
			writeFileSync(githubOutput, "");
			const planned = await bash(plan ?? "", repo, env);
			expect(planned.code, planned.out).toBe(0);
			expect(readFileSync(githubOutput, "utf8")).toBe("changes=true\n");
			expect(readFileSync(join(repo, "plan.md"), "utf8")).toContain("| customers | 15 | 0 | 15 |");
			expect(sim.counters().posts).toBe(0);
			const applied = await bash(apply ?? "", repo, env);
			expect(applied.code, applied.out).toBe(0);
			expect(sim.counters().created).toEqual({ customers: 15, contacts: 15, onboardings: 15 });
			expect(posts).toHaveLength(1);
			expect(posts[0]).toMatchObject({ command: "apply", outcome: "finished", exitCode: 0 });
			expect(readFileSync(stepSummary, "utf8")).toContain("### pivotal-tui Apply");

			// The next night, nothing changed: no changes, so the apply job would not run.
			writeFileSync(githubOutput, "");
			expect((await bash(plan ?? "", repo, env)).code).toBe(0);
			expect(readFileSync(githubOutput, "utf8")).toBe("changes=false\n");

			// The cron line, from the machine's folder, with its sync.env: one changed row, one PATCH.
			const line = (cron ?? "").trim();
			expect(line).toMatch(
				/^17 2 \* \* \* cd \/srv\/pivotal-sync && \. \.\/sync\.env && pivotal-tui import /,
			);
			writeFileSync(
				join(repo, "sync.env"),
				`export PIVOTAL_API_KEY=${TEST_KEY}\nexport PIVOTAL_API_URL=${sim.baseUrl}\nexport PIVOTAL_NOTIFY_URL=${env.PIVOTAL_NOTIFY_URL}\n${stateUrl ? `export PIVOTAL_STATE_URL='${stateUrl}'\n` : ""}`,
				{ mode: 0o600 },
			);
			const customers = join(repo, "exports", "customers.csv");
			const rows = readFileSync(customers, "utf8").split("\n");
			rows[3] = rows[3]?.replace(/^([^,]+),([^,]+),/, "$1,$2 Renamed,") ?? "";
			writeFileSync(customers, rows.join("\n"));
			const patchesBefore = sim.counters().byRoute["PATCH /customers/:id 200"] ?? 0;
			const command = line.replace(/^(\S+\s+){5}/, "").replace("cd /srv/pivotal-sync", `cd "${repo}"`);
			const {
				PIVOTAL_API_KEY: _,
				PIVOTAL_API_URL: __,
				PIVOTAL_NOTIFY_URL: ___,
				PIVOTAL_STATE_URL: ____,
				...bare
			} = env;
			const cronRun = await bash(command, "/", bare);
			expect(cronRun.code, readFileSync(join(repo, "sync.log"), "utf8")).toBe(0);
			expect((sim.counters().byRoute["PATCH /customers/:id 200"] ?? 0) - patchesBefore).toBe(1);
			expect(readFileSync(join(repo, "last-run.md"), "utf8")).toContain(
				"| customers | 15 | 0 | 0 | 1 | 14 |",
			);
			expect(posts).toHaveLength(2);
			expect(posts[1]).toMatchObject({ command: "import", outcome: "finished" });
		},
		120_000,
	);
});
