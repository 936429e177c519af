import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { headlessImportArgs, runCli, startCli } from "../support/cli.js";
import { editRows } from "../support/edit-csv.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

/** Resolves once process `pid` holds `path` open (Linux: its /proc fd links), bounded to 30 s. */
async function untilOpened(pid: number, path: string): Promise<void> {
	const until = Date.now() + 30_000;
	while (Date.now() < until) {
		try {
			const fds = readdirSync(`/proc/${pid}/fd`);
			if (fds.some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === path)) return;
		} catch {
			// The process may be starting or gone; the next poll or the bound decides.
		}
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
	throw new Error(`process ${pid} never opened ${path}`);
}

function safeReadlink(link: string): string | undefined {
	try {
		return readlinkSync(link);
	} catch {
		return undefined;
	}
}

interface Received {
	readonly method: string;
	readonly contentType: string | undefined;
	readonly body: Record<string, unknown>;
	readonly raw: string;
}

/** A webhook receiver on loopback that keeps every request it gets. */
async function receiver(): Promise<{ url: string; got: Received[]; server: Server }> {
	const got: Received[] = [];
	const server = createServer((request, response) => {
		let raw = "";
		request.setEncoding("utf8").on("data", (chunk: string) => {
			raw += chunk;
		});
		request.on("end", () => {
			got.push({
				method: request.method ?? "",
				contentType: request.headers["content-type"],
				body: JSON.parse(raw || "{}"),
				raw,
			});
			response.writeHead(200, { "content-type": "text/plain" }).end("ok");
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	servers.push(server);
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}/services/T000/B000/secret-token`, got, server };
}

const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The rows of the first Markdown table after `heading` (or the first table), as cells. */
function tableRows(markdown: string, after = ""): string[][] {
	const from = after ? markdown.indexOf(after) : 0;
	const lines = markdown.slice(from).split("\n");
	const start = lines.findIndex((line) => line.startsWith("|"));
	const rows: string[][] = [];
	for (const line of lines.slice(start)) {
		if (!line.startsWith("|")) break;
		// Cells split on pipes that are not escaped.
		rows.push(
			line
				.slice(1, -1)
				.split(/(?<!\\)\|/)
				.map((cell) => cell.trim()),
		);
	}
	return rows;
}

function expectNoSecret(text: string): void {
	expect(text).not.toContain(TEST_KEY);
	expect(text).not.toContain("secret-token");
	expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
}

describe("CI outputs (the built binary)", () => {
	it("a finished run: the Markdown table appended to $GITHUB_STEP_SUMMARY, one POST with outcome and counts", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 12, contactsPerCustomer: 1, onboardingsPerCustomer: 1 },
		);
		const hook = await receiver();
		const stepSummary = join(dir, "step-summary.md");
		writeFileSync(stepSummary, "## Earlier step\n\nkept as it was\n");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl, GITHUB_STEP_SUMMARY: stepSummary };
		const run = await runCli(headlessImportArgs(files, "--notify", hook.url), { env });
		expect(run.code).toBe(0);
		expect(run.stderr).toBe("");

		const markdown = readFileSync(stepSummary, "utf8");
		expect(markdown.startsWith("## Earlier step\n\nkept as it was\n")).toBe(true);
		expect(markdown).toContain("**Outcome:** finished (exit 0)");
		const rows = tableRows(markdown, "### pivotal-tui Import");
		expect(rows[0]).toEqual([
			"pass",
			"source",
			"created",
			"existed",
			"updated",
			"unchanged",
			"failed",
			"blocked",
			"pending",
		]);
		expect(rows.slice(2)).toEqual([
			["customers", "12", "12", "0", "0", "0", "0", "0", "0"],
			["contacts", "12", "12", "0", "0", "0", "0", "0", "0"],
			["onboardings", "12", "12", "0", "0", "0", "0", "0", "0"],
		]);

		expect(hook.got).toHaveLength(1);
		const [post] = hook.got;
		expect(post?.method).toBe("POST");
		expect(post?.contentType).toBe("application/json");
		expect(post?.body).toMatchObject({
			command: "import",
			outcome: "finished",
			exitCode: 0,
			dryRun: false,
			counts: { customers: { total: 12, created: 12, failed: 0 }, contacts: { created: 12 } },
		});
		expect(String(post?.body.text)).toMatch(/^:white_check_mark: pivotal-tui import \*finished\* \(exit 0\)/);
		expectNoSecret(post?.raw ?? "");
		expectNoSecret(markdown);

		// A real run names its server and workspace, as a dry run does.
		expect(post?.body.host).toBe(new URL(sim.baseUrl).host);
		expect(typeof post?.body.workspace).toBe("string");
		const firstRequests = Number(post?.body.requests);
		expect(firstRequests).toBeGreaterThan(36);

		// A second run appends its own section after the first, and reports what it sent (its
		// opening GET /me and one PATCH for one edited row), with the import's total beside.
		editRows(files.customers, "name", 1, (old) => `${old} Renamed`);
		expect((await runCli(headlessImportArgs(files, "--notify", hook.url), { env })).code).toBe(0);
		expect(hook.got).toHaveLength(2);
		expect(hook.got[1]?.body).toMatchObject({ requests: 2, requestsAllRuns: firstRequests + 2 });
		const sections = readFileSync(stepSummary, "utf8").split("### pivotal-tui Import");
		expect(sections).toHaveLength(3);
		expect(sections[2]).toContain(
			`2 requests (${firstRequests + 2} over every run of the import), 0 retries`,
		);
		const json = await runCli(headlessImportArgs(files, "--json"), {
			env: { ...env, GITHUB_STEP_SUMMARY: "" },
		});
		const summaryLine = JSON.parse(json.stdout.trim().split("\n").pop() ?? "{}");
		// Nothing to send: its GET /me alone.
		expect(summaryLine).toMatchObject({ type: "summary", requests: 1, requestsAllRuns: firstRequests + 3 });

		// An undo reports the same way, with its own columns.
		const undone = await runCli(
			["undo", files.customers, "--all", "--headless", "--yes", "--notify", hook.url],
			{
				env,
			},
		);
		expect(undone.code).toBe(0);
		expect(hook.got).toHaveLength(3);
		expect(hook.got[2]?.body).toMatchObject({
			command: "undo",
			outcome: "finished",
			counts: { customers: { deleted: 12 }, onboardings: { deleted: 12 } },
		});
		const undoRows = tableRows(readFileSync(stepSummary, "utf8"), "### pivotal-tui Undo");
		expect(undoRows[0]).toEqual(["pass", "planned", "deleted", "restored", "kept", "failed", "pending"]);
		expect(undoRows).toContainEqual(["customers", "12", "12", "0", "0", "0", "0"]);
	}, 90_000);

	it("a run where some records fail: failures by code with their first records, escaped; outcome some-failed", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 10, contactsPerCustomer: 1, onboardingsPerCustomer: 0 },
		);
		sim.pushFault({
			method: "POST",
			route: "/customers",
			times: 4,
			status: 422,
			code: "validation_error",
			message: "Name | looks <b>odd</b> \u001b[31mred\u001b[0m pivotal_live_Kx81TESTkey0000a1b2",
		});
		const hook = await receiver();
		const summaryFile = join(dir, "summary.md");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl, GITHUB_STEP_SUMMARY: "" };
		const run = await runCli(headlessImportArgs(files, "--notify", hook.url, "--summary-md", summaryFile), {
			env,
		});
		expect(run.code).toBe(1);
		const markdown = readFileSync(summaryFile, "utf8");
		expect(markdown).toContain("**Outcome:** some-failed (exit 1)");
		const failures = tableRows(markdown, "#### Failures by code");
		expect(failures[0]).toEqual(["code", "records", "first records"]);
		expect(failures).toHaveLength(3);
		expect(failures[2]?.[0]).toBe("validation\\_error");
		expect(failures[2]?.[1]).toBe("4");
		// Three examples of four, each naming its record; the pipe and the HTML are escaped, not live.
		const examples = failures[2]?.[2]?.split("<br>") ?? [];
		expect(examples).toHaveLength(3);
		expect(examples[0]).toMatch(
			/^customers cus\\_0000\d\d \\\(line \d+\\\): 422 Name \\\| looks \\<b\\>odd\\<\/b\\> \\\\x1b\\\[31mred/,
		);
		expectNoSecret(markdown);
		expect(markdown).toContain("pivotal\\_…a1b2");

		expect(hook.got).toHaveLength(1);
		expect(hook.got[0]?.body).toMatchObject({
			outcome: "some-failed",
			exitCode: 1,
			failuresByCode: { validation_error: 4 },
			counts: { customers: { total: 10, created: 6, failed: 4 }, contacts: { blocked: 4, created: 6 } },
		});
		expectNoSecret(hook.got[0]?.raw ?? "");
	}, 90_000);

	it("an interrupted run (SIGINT mid-run) is reported once, as interrupted, with its counts so far", async () => {
		const { sim, files } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 20, latencyMaxMs: 30 } },
			{ customers: 200, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const hook = await receiver();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const { child, result } = startCli(
			headlessImportArgs(files, "--notify", hook.url, "--concurrency", "2"),
			{
				env,
			},
		);
		await new Promise<void>((resolve) => {
			const poll = setInterval(() => {
				if (sim.counters().posts >= 10) {
					clearInterval(poll);
					child.kill("SIGINT");
					resolve();
				}
			}, 5);
		});
		const done = await result;
		expect(done.code).toBe(3);
		expect(hook.got).toHaveLength(1);
		const body = hook.got[0]?.body as {
			outcome: string;
			exitCode: number;
			counts: { customers: Record<string, number> };
		};
		expect(body).toMatchObject({ outcome: "interrupted", exitCode: 3 });
		expect(body.counts.customers.total).toBe(200);
		expect(body.counts.customers.created).toBeGreaterThanOrEqual(10);
		expect(body.counts.customers.pending).toBeGreaterThan(0);
		expectNoSecret(hook.got[0]?.raw ?? "");
	}, 90_000);

	it("an interrupt (SIGTERM) before the run begins, still reading the files, is reported once and sends nothing", async () => {
		const { sim, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const hook = await receiver();
		// Big enough that validation takes a while; the signal goes once the command has it open.
		const customers = join(dir, "many.csv");
		const rows = Array.from({ length: 200_000 }, (_, i) => `cus_${i},Customer ${i}`);
		writeFileSync(customers, `external_id,name\n${rows.join("\n")}\n`);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const { child, result } = startCli(["import", customers, "--headless", "--notify", hook.url], { env });
		await untilOpened(child.pid ?? 0, customers);
		child.kill("SIGTERM");
		const done = await result;
		expect(done.code).toBe(3);
		// On the terminal as well as in the report (adversarial finding O11: a stop while waiting for
		// the lock with --notify said nothing where the person was).
		expect(done.stderr).toContain("Interrupted by SIGTERM before anything was sent.\n");
		expect(hook.got).toHaveLength(1);
		expect(hook.got[0]?.body).toMatchObject({
			outcome: "interrupted",
			exitCode: 3,
			message: "Interrupted by SIGTERM before anything was sent.",
		});
		expect(sim.counters().requests).toBe(0);
	}, 60_000);

	it("a pipe as the customers file is refused in one sentence before anything is opened or sent", async () => {
		const { sim, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 1, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const fifo = join(dir, "customers-pipe.csv");
		expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		// No writer: a command that opened the pipe would wait here until the test's timeout.
		const done = await runCli(["import", fifo, "--headless"], { env });
		expect(done.code).toBe(2);
		expect(done.stderr).toContain(
			`${fifo}: this is not a regular file (a pipe or a device), and an import reads its files more than once; save it to a file and give that path.`,
		);
		expect(sim.counters().requests).toBe(0);
	}, 60_000);

	it("refused input, a refused key and a dry run are reported too; a receiver that is down is one warning line", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000, keys: [TEST_KEY] },
			{ customers: 4, contactsPerCustomer: 1, onboardingsPerCustomer: 0 },
		);
		const hook = await receiver();
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };

		const bad = join(dir, "bad.csv");
		writeFileSync(bad, "external_id,name\ncus_1,\n");
		const refused = await runCli(["import", bad, "--headless", "--notify", hook.url], { env });
		expect(refused.code).toBe(2);
		expect(hook.got.at(-1)?.body).toMatchObject({ outcome: "refused", exitCode: 2 });
		expect(String(hook.got.at(-1)?.body.message)).toMatch(/Nothing was sent/);
		// The first problem, with its file and line, is in the report too.
		expect(String(hook.got.at(-1)?.body.message)).toMatch(/^\S*bad\.csv:2:/);

		const wrongKey = await runCli(headlessImportArgs(files, "--notify", hook.url), {
			env: { ...env, PIVOTAL_API_KEY: "pivotal_live_NOTAKEY00000000zz99" },
		});
		expect(wrongKey.code).toBe(4);
		expect(hook.got.at(-1)?.body).toMatchObject({ outcome: "auth-refused", exitCode: 4 });
		expect(hook.got.at(-1)?.raw).not.toContain("NOTAKEY00000000zz99");

		// A bad flag value is a refusal like any other: reported.
		const sentBefore = hook.got.length;
		const badFlag = await runCli(headlessImportArgs(files, "--concurrency", "0", "--notify", hook.url), {
			env,
		});
		expect(badFlag.code).toBe(2);
		expect(hook.got).toHaveLength(sentBefore + 1);
		expect(hook.got.at(-1)?.body).toMatchObject({ outcome: "refused", exitCode: 2 });
		expect(String(hook.got.at(-1)?.body.message)).toMatch(/^--concurrency must be a whole number/);

		const summaryFile = join(dir, "plan.md");
		const dry = await runCli(
			headlessImportArgs(
				files,
				"--dry-run",
				"--detailed-exitcode",
				"--notify",
				hook.url,
				"--summary-md",
				summaryFile,
			),
			{ env },
		);
		expect(dry.code).toBe(5);
		expect(hook.got.at(-1)?.body).toMatchObject({
			outcome: "plan-has-changes",
			dryRun: true,
			counts: { customers: { match: 4 }, contacts: { create: 4 } },
		});
		expect(tableRows(readFileSync(summaryFile, "utf8")).slice(2)).toEqual([
			// rows, create, match, update, unchanged, blocked, kept, skipped, delete
			["customers", "4", "0", "4", "0", "0", "0", "0", "0", "0"],
			["contacts", "4", "4", "0", "0", "0", "0", "0", "0", "0"],
		]);
		expect(hook.got).toHaveLength(4);

		// Nobody listening: the run's own exit code, and one line saying so (the token not in it).
		const port = (hook.server.address() as AddressInfo).port;
		await new Promise((resolve) => hook.server.close(resolve));
		const down = await runCli(
			headlessImportArgs(files, "--dry-run", "--notify", `http://127.0.0.1:${port}/hooks/secret-token`),
			{
				env,
			},
		);
		expect(down.code).toBe(0);
		expect(down.stderr.trim().split("\n")).toEqual([
			`Could not notify 127.0.0.1:${port}: ECONNREFUSED; the run's outcome is unchanged.`,
		]);
		// A receiver that never answers: the run ends all the same, with one line.
		const silent = createServer(() => undefined);
		servers.push(silent);
		await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
		const silentPort = (silent.address() as AddressInfo).port;
		silent.unref();
		const hung = await runCli(
			headlessImportArgs(files, "--dry-run", "--notify", `http://127.0.0.1:${silentPort}/x`),
			{ env },
		);
		expect(hung.code).toBe(0);
		expect(hung.stderr.trim().split("\n")).toEqual([
			`Could not notify 127.0.0.1:${silentPort}: no answer within 4 s; the run's outcome is unchanged.`,
		]);
		silent.closeAllConnections();
		const notUrl = await runCli(headlessImportArgs(files, "--notify", "slack"), { env });
		expect(notUrl.code).toBe(2);
		expect(notUrl.stderr).toMatch(/^--notify needs an http\(s\) URL/);
	}, 90_000);
});
