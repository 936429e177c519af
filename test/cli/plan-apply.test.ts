import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bodyDigest, type PlanBody, serializePlan } from "../../src/core/plan/plan-file.js";
import type { Simulator } from "../../src/sim/index.js";
import { headlessImportArgs, runCli, startCli } from "../support/cli.js";
import { simTotals, simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();

/** Requests the simulator answered, by method. */
function byMethod(sim: Simulator): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [route, count] of Object.entries(sim.counters().byRoute)) {
		const method = route.split(" ")[0] ?? "";
		out[method] = (out[method] ?? 0) + count;
	}
	return out;
}

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [method, n] of Object.entries(after))
		if (n - (before[method] ?? 0) > 0) out[method] = n - (before[method] ?? 0);
	return out;
}

/** Give rows `lines` (1-based data rows) of a CSV a new value in column `column`. */
function editCells(
	file: string,
	column: string,
	rows: readonly number[],
	value: (old: string) => string,
): void {
	const lines = readFileSync(file, "utf8").split("\n");
	const at = (lines[0] ?? "").split(",").indexOf(column);
	for (const row of rows) {
		const cells = (lines[row] ?? "").split(",");
		cells[at] = value(cells[at] ?? "");
		lines[row] = cells.join(",");
	}
	writeFileSync(file, lines.join("\n"));
}

function readPlan(path: string): PlanBody & { digest: string } {
	return JSON.parse(readFileSync(path, "utf8"));
}

describe("plans as files (the built binary)", () => {
	it("plan → edit a CSV → apply refused with nothing sent; plan → apply sends exactly the planned requests; --detailed-exitcode 5, then 0", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 30, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: true },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(headlessImportArgs(files), { env })).code).toBe(0);

		// A newer export: three customers renamed, two contacts with a new title.
		editCells(files.customers, "name", [2, 5, 9], (name) => `${name} Group`);
		editCells(files.contacts ?? "", "title", [3, 4], () => "Chief Pilot");
		const plan = join(dir, "plan.json");
		const planned = await runCli(
			headlessImportArgs(files, "--dry-run", "--plan-out", plan, "--detailed-exitcode"),
			{
				env,
			},
		);
		expect(planned.stderr).toBe("");
		expect(planned.code).toBe(5);
		const saved = readPlan(plan);
		expect(saved.counts.customers).toMatchObject({ update: 3, create: 0, match: 0, unchanged: 27 });
		expect(saved.counts.contacts).toMatchObject({ update: 2, create: 0, unchanged: 28 });
		expect(saved.operations.map((o) => `${o.pass} ${o.op}`)).toEqual([
			"customers update",
			"customers update",
			"customers update",
			"contacts update",
			"contacts update",
		]);
		expect(saved.operations[0]?.changes?.[0]).toMatchObject({ field: "name" });
		expect(String(saved.operations[0]?.changes?.[0]?.after)).toMatch(/ Group$/);
		expect(JSON.stringify(saved)).not.toContain(TEST_KEY);
		expect(saved.workspace?.name).toBeTruthy();

		// Someone edits the file after the review: refused before a single request.
		const reviewed = readFileSync(files.customers, "utf8");
		editCells(files.customers, "name", [12], (name) => `${name} Holdings`);
		const before = sim.counters().requests;
		const stale = await runCli(["apply", plan, "--headless"], { env });
		expect(stale.code).toBe(2);
		expect(stale.stderr.trim()).toMatch(
			/^stale plan: the customers file \S*customers\.csv changed since the plan was made; plan again\. Nothing was sent\.$/,
		);
		expect(sim.counters().requests).toBe(before);

		// Back to the reviewed file: exactly the planned PATCHes, and the opening GET /me.
		writeFileSync(files.customers, reviewed);
		const methodsBefore = byMethod(sim);
		const applied = await runCli(["apply", plan, "--headless"], { env });
		expect(applied.stderr).toBe("");
		expect(applied.code).toBe(0);
		expect(minus(byMethod(sim), methodsBefore)).toEqual({ GET: 1, PATCH: 5 });
		// Its own 6 requests (the opening GET /me and 5 PATCHes), not the requests of every run of the import.
		expect(applied.stdout).toMatch(/requests 6 \(\d+ over every run of the import\)/);
		const names = sim.state().customers.map((c) => String(c.name));
		expect(names.filter((n) => n.endsWith(" Group"))).toHaveLength(3);

		// Nothing left to do, and the plan is spent.
		expect((await runCli(headlessImportArgs(files, "--dry-run", "--detailed-exitcode"), { env })).code).toBe(
			0,
		);
		const again = await runCli(["apply", plan, "--headless"], { env });
		const requestsAfterApply = sim.counters().requests;
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(
			/^this plan was applied already: its run \(run 2 of the import\) finished, and the state \S+ has changed only by it\. Plan again for what changed since\. Nothing was sent\.$/m,
		);

		// The state named with --checkpoint is the one the sentences name; one that is not there is
		// said so, not taken for a changed state (adversarial finding T13).
		const copy = join(dir, "copy.checkpoint.json");
		cpSync(`${files.customers}.checkpoint.json`, copy);
		const fromCopy = await runCli(["apply", plan, "--headless", "--checkpoint", copy], { env });
		expect(fromCopy.code).toBe(2);
		expect(fromCopy.stderr).toContain(`and the state ${copy} has changed only by it`);
		const missing = join(dir, "nowhere", "x.checkpoint.json");
		const none = await runCli(["apply", plan, "--headless", "--checkpoint", missing], { env });
		expect(none.code).toBe(2);
		expect(none.stderr.trim()).toBe(
			`no state at ${missing}, and ${plan} was made against one (customers.csv.checkpoint.json): name that state with --checkpoint, or plan again. Nothing was sent.`,
		);
		expect(sim.counters().requests).toBe(requestsAfterApply);
	}, 120_000);

	it("a run that writes the state while an apply waits for GET /me is seen when the apply takes the state: stale, nothing sent", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 8, contactsPerCustomer: 0, onboardingsPerCustomer: 0 },
		);
		const only = { customers: files.customers };
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		expect((await runCli(headlessImportArgs(only), { env })).code).toBe(0);
		editCells(files.customers, "name", [2], (name) => `${name} Group`);
		const plan = join(dir, "plan.json");
		expect((await runCli(headlessImportArgs(only, "--dry-run", "--plan-out", plan), { env })).code).toBe(0);

		// The apply checks the plan, then waits for its GET /me; an undo runs to its end meanwhile.
		sim.pushFault({ method: "GET", route: "/me", kind: "hang", hangMs: 3_000, times: 1 });
		const apply = startCli(["apply", plan, "--headless", "--yes"], { env });
		const deadline = Date.now() + 20_000;
		while ((sim.counters().faultsInjected.scripted ?? 0) < 1 && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 25));
		const undo = await runCli(["undo", files.customers, "--headless", "--yes"], { env });
		expect(undo.code).toBe(0);
		expect(simTotals(sim).customers).toBe(0);

		const writes = () => (byMethod(sim).POST ?? 0) + (byMethod(sim).PATCH ?? 0);
		const before = writes();
		const applied = await apply.result;
		expect(applied.code).toBe(2);
		expect(applied.stderr).toMatch(
			/stale plan: .* changed since the plan was checked \(another run wrote it meanwhile\); nothing was sent\. Plan again\./,
		);
		expect(writes()).toBe(before);
		expect(simTotals(sim).customers).toBe(0);
	});

	it("a first sync's plan creates everything exactly once; an apply killed halfway resumes under the same plan", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 5, latencyMaxMs: 10 } },
			{ customers: 40, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: true },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const plan = join(dir, "first.plan.json");
		expect(
			(
				await runCli(headlessImportArgs(files, "--dry-run", "--plan-out", plan, "--detailed-exitcode"), {
					env,
				})
			).code,
		).toBe(5);
		expect(sim.counters().posts).toBe(0);
		const { child, result } = startCli(["apply", plan, "--headless", "--concurrency", "2"], { env });
		await new Promise<void>((resolve) => {
			const poll = setInterval(() => {
				if (sim.counters().posts >= 20) {
					clearInterval(poll);
					child.kill("SIGKILL");
					resolve();
				}
			}, 5);
		});
		expect((await result).signal).toBe("SIGKILL");
		const resumed = await runCli(["apply", plan, "--headless"], { env });
		expect(resumed.code).toBe(0);
		expect(resumed.stdout).toContain(`Resuming the interrupted apply of ${plan}.`);
		expect(simTotals(sim)).toEqual({ customers: 40, contacts: 40, onboardings: 40, duplicates: 0 });
	}, 120_000);

	it("an apply killed after it made the state but before its first record goes on under the same plan (finding X4)", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 3, contactsPerCustomer: 0, onboardingsPerCustomer: 0, withSlugs: true },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const plan = join(dir, "plan.json");
		expect((await runCli(headlessImportArgs(files, "--dry-run", "--plan-out", plan), { env })).code).toBe(0);
		// The first sync's walk of the customer list hangs: the state is made meanwhile, no record yet.
		sim.pushFault({ method: "GET", route: "/customers", kind: "hang", hangMs: 20_000, times: 1 });
		const { child, result } = startCli(["apply", plan, "--headless"], { env });
		const state = `${files.customers}.checkpoint.json`;
		const deadline = Date.now() + 20_000;
		while (
			!((sim.counters().faultsInjected.scripted ?? 0) >= 1 && existsSync(state)) &&
			Date.now() < deadline
		)
			await new Promise((resolve) => setTimeout(resolve, 10));
		child.kill("SIGKILL");
		expect((await result).signal).toBe("SIGKILL");
		expect(existsSync(state)).toBe(true);
		expect(sim.counters().posts).toBe(0);
		const again = await runCli(["apply", plan, "--headless"], { env });
		expect(again.code, again.stderr).toBe(0);
		expect(simTotals(sim)).toEqual({ customers: 3, contacts: 0, onboardings: 0, duplicates: 0 });
	}, 60_000);

	it("refuses a malformed, edited, newer, other-server or other-workspace plan in one sentence, sending nothing", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 5, contactsPerCustomer: 1, onboardingsPerCustomer: 0, withSlugs: true },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const plan = join(dir, "plan.json");
		expect((await runCli(headlessImportArgs(files, "--dry-run", "--plan-out", plan), { env })).code).toBe(0);
		const good = readPlan(plan);
		const { digest: _, ...body } = good;
		const variant = (name: string, text: string) => {
			const path = join(dir, name);
			writeFileSync(path, text);
			return path;
		};
		const resigned = (changed: PlanBody) => serializePlan(changed);
		const fifo = join(dir, "fifo");
		execFileSync("mkfifo", [fifo]);
		const cases: Array<[string, RegExp, Record<string, string>?]> = [
			[
				variant("cut.json", readFileSync(plan, "utf8").slice(0, 300)),
				/is not a plan file: it is not valid JSON/,
			],
			[variant("other.json", JSON.stringify({ hello: 1 })), /is not a pivotal-tui plan file/],
			[
				variant("newer.json", JSON.stringify({ ...good, version: 9 })),
				/was made by a newer pivotal-tui \(plan format 9/,
			],
			[
				variant("reformatted.json", JSON.stringify(good, null, 2)),
				/is not laid out as --plan-out writes it \(was it reformatted, cut short or edited\?\)/,
			],
			[
				variant("edited.json", readFileSync(plan, "utf8").replace(/"requests": \d+/, '"requests": 1')),
				/was changed after it was made \(its digest does not match\)/,
			],
			[
				variant(
					"forged.json",
					resigned({
						...body,
						operations: [...body.operations, { ...body.operations[0]!, key: "crm-9999" }],
					}),
				),
				/lists operations that its files and state do not give/,
			],
			// Inputs the untrusted plan points at that would never end or never open: refused, not read.
			[
				variant(
					"device.json",
					resigned({
						...body,
						files: { ...body.files, customers: { ...body.files.customers!, path: "/dev/zero" } },
					}),
				),
				/\/dev\/zero is not a regular file \(a pipe, a device or a folder\)/,
			],
			[
				variant(
					"fifo.json",
					resigned({ ...body, files: { ...body.files, contacts: { ...body.files.contacts!, path: fifo } } }),
				),
				/fifo is not a regular file/,
			],
			[
				variant("map-device.json", resigned({ ...body, map: { path: "/dev/zero", sha256: "0".repeat(64) } })),
				/\/dev\/zero is not a regular file/,
			],
			[
				variant("malformed.json", resigned({ ...body, state: { ...body.state, path: "../../etc/profile" } })),
				/is malformed \(state is malformed\)/,
			],
			[
				plan,
				/was made for 127\.0\.0\.1:\d+, not example\.invalid/,
				{ PIVOTAL_API_URL: "https://example.invalid/api/v1" },
			],
			[
				variant(
					"workspace.json",
					resigned({ ...body, workspace: { id: "org_someone_else", name: "Elsewhere" } }),
				),
				/was made for the workspace "Elsewhere", and this key belongs to another/,
			],
		];
		for (const [path, sentence, extraEnv] of cases) {
			const posts = sim.counters().posts;
			const refused = await runCli(["apply", path, "--headless"], { env: { ...env, ...extraEnv } });
			expect(refused.code, path).toBe(2);
			expect(refused.stderr, path).toMatch(sentence);
			expect(refused.stderr.trim().split("\n"), path).toHaveLength(1);
			expect(refused.stderr).not.toMatch(/at .+\.js:\d+/);
			expect(sim.counters().posts).toBe(posts);
		}
		expect(bodyDigest(body)).toBe(good.digest);
		// Nothing was ever written: the simulator holds no record.
		expect(simTotals(sim)).toMatchObject({ customers: 0, contacts: 0 });
	}, 120_000);

	it("never lets the plan file choose where the key goes: another server named only in the plan, or another than the state's, is refused before any request", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 3, contactsPerCustomer: 0 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		// A server that notes every request it is sent, and whether a key came with it.
		const seen: string[] = [];
		const listener = createServer((request, response) => {
			seen.push(
				`${request.method} ${request.url} ${request.headers.authorization ? "with a key" : "no key"}`,
			);
			response.writeHead(500).end();
		});
		await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
		const elsewhere = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/api/v1`;
		try {
			const plan = join(dir, "plan.json");
			// A first sync's plan (no state yet), then the same after an import (a state of this server).
			expect((await runCli(headlessImportArgs(files, "--dry-run", "--plan-out", plan), { env })).code).toBe(
				0,
			);
			const { digest: _, ...body } = readPlan(plan);
			const moved = join(dir, "moved.json");
			writeFileSync(moved, serializePlan({ ...body, baseUrl: elsewhere }));
			const keyOnly = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: undefined };
			const unnamed = await runCli(["apply", moved, "--headless", "--yes"], { env: keyOnly });
			expect(unnamed.code).toBe(2);
			expect(unnamed.stderr).toMatch(
				/not Pivotal's own API; the key goes only to a server you name: give --base-url/,
			);
			expect(unnamed.stderr.trim().split("\n")).toHaveLength(1);

			expect((await runCli(headlessImportArgs(files), { env })).code).toBe(0);
			expect((await runCli(headlessImportArgs(files, "--dry-run", "--plan-out", plan), { env })).code).toBe(
				0,
			);
			const { digest: __, ...after } = readPlan(plan);
			writeFileSync(moved, serializePlan({ ...after, baseUrl: elsewhere }));
			// Named as well, but the state was made against the simulator: refused before GET /me.
			const named = await runCli(["apply", moved, "--headless", "--yes", "--base-url", elsewhere], {
				env: keyOnly,
			});
			expect(named.code).toBe(2);
			expect(named.stderr).toMatch(
				/holds an import into 127\.0\.0\.1:\d+, and .*moved\.json would apply it to/,
			);
			expect(seen).toEqual([]);
			expect(unnamed.stderr + named.stderr).not.toContain(TEST_KEY);
		} finally {
			await new Promise((resolve) => listener.close(resolve));
		}
	}, 120_000);

	it("a plan read through a map applies through it; an edited map makes it stale", async () => {
		const { sim, dir } = await prepared({ rateLimit: 100_000 }, { customers: 1 });
		const hubspot = join(import.meta.dirname, "../../fixtures/exports/hubspot");
		const here = join(dir, "hubspot");
		cpSync(hubspot, here, { recursive: true });
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const args = [
			"import",
			join(here, "companies.csv"),
			"--contacts",
			join(here, "contacts.csv"),
			"--onboardings",
			join(here, "projects.csv"),
			"--map",
			join(here, "map.json"),
			"--headless",
			"--dry-run",
		];
		const plan = join(dir, "plans", "hubspot.plan.json");
		mkdirSync(join(dir, "plans"));
		expect((await runCli([...args, "--plan-out", plan], { env })).code).toBe(0);
		const saved = readPlan(plan);
		// Paths from the plan's own folder, so the plan travels with the checkout.
		expect(saved.map?.path).toBe("../hubspot/map.json");
		expect(saved.files.customers?.path).toBe("../hubspot/companies.csv");

		const map = join(here, "map.json");
		const original = readFileSync(map, "utf8");
		writeFileSync(map, original.replace('"Customer": "active"', '"Customer": "onboarding"'));
		// The dry run asked GET /me once, to name the workspace in the plan; nothing since.
		expect(sim.counters().requests).toBe(1);
		const stale = await runCli(["apply", plan, "--headless"], { env });
		expect(stale.code).toBe(2);
		expect(stale.stderr).toBe(
			"stale plan: the map ../hubspot/map.json changed since the plan was made; plan again. Nothing was sent.\n",
		);
		expect(sim.counters().requests).toBe(1);

		writeFileSync(map, original);
		const applied = await runCli(["apply", plan, "--headless"], { env });
		expect(applied.code).toBe(0);
		expect(sim.counters().created.customers).toBe(saved.files.customers?.rows);
	}, 60_000);

	it("refuses --plan-out without --dry-run, and an output over an input or the state", async () => {
		const { files, sim } = await prepared(
			{ rateLimit: 100_000 },
			{ customers: 3, contactsPerCustomer: 1, onboardingsPerCustomer: 0 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const noDry = await runCli(headlessImportArgs(files, "--plan-out", "p.json"), { env });
		expect(noDry.code).toBe(2);
		expect(noDry.stderr).toMatch(/^--plan-out goes with --dry-run/);
		const fresh = await runCli(headlessImportArgs(files, "--dry-run", "--fresh", "--plan-out", "p.json"), {
			env,
		});
		expect(fresh.code).toBe(2);
		expect(fresh.stderr).toMatch(/^--plan-out cannot go with --fresh/);
		// apply would refuse the invalid rows such a plan leaves out, every time (adversarial finding O15).
		const skipping = await runCli(
			headlessImportArgs(files, "--dry-run", "--skip-invalid", "--plan-out", "p.json"),
			{
				env,
			},
		);
		expect(skipping.code).toBe(2);
		expect(skipping.stderr).toMatch(
			/^--plan-out cannot go with --skip-invalid: apply refuses files with invalid rows/,
		);
		const over = await runCli(headlessImportArgs(files, "--dry-run", "--plan-out", files.contacts ?? ""), {
			env,
		});
		expect(over.code).toBe(2);
		expect(over.stderr).toMatch(/^--plan-out \S+ is the contacts file/);
		const state = await runCli(
			headlessImportArgs(files, "--dry-run", "--summary-md", `${files.customers}.checkpoint.json`),
			{ env },
		);
		expect(state.code).toBe(2);
		expect(state.stderr).toMatch(/^--summary-md \S+ is the state/);
		const failures = await runCli(headlessImportArgs(files, "--failures-csv", files.customers), { env });
		expect(failures.code).toBe(2);
		expect(failures.stderr).toMatch(/^--failures-csv \S+ is the customers file/);
		expect(sim.counters().requests).toBe(0);
	}, 60_000);

	it("an apply stopped by a file changed under it says to plan again, not to run it again", async () => {
		const { sim, files, dir } = await prepared(
			{ rateLimit: 100_000, faults: { latencyMinMs: 300, latencyMaxMs: 400 } },
			{ customers: 20, contactsPerCustomer: 1, onboardingsPerCustomer: 0 },
		);
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		const plan = join(dir, "plan.json");
		expect((await runCli(headlessImportArgs(files, "--dry-run", "--plan-out", plan), { env })).code).toBe(0);
		const applying = startCli(["apply", plan, "--headless", "--yes", "--concurrency", "2"], { env });
		for (let i = 0; i < 600 && sim.counters().posts < 2; i++) await new Promise((r) => setTimeout(r, 20));
		// One letter of the contacts file changed, its size and modification time kept.
		const contacts = files.contacts ?? "";
		const before = statSync(contacts);
		const text = readFileSync(contacts, "utf8");
		const at = text.lastIndexOf("@");
		writeFileSync(contacts, `${text.slice(0, at - 1)}${text[at - 1] === "x" ? "y" : "x"}${text.slice(at)}`);
		utimesSync(contacts, before.atime, before.mtime);
		const done = await applying.result;
		sim.setFaults({ latencyMinMs: 0, latencyMaxMs: 5 });
		expect(done.code).toBe(3);
		expect(done.stdout).toContain("The files changed after the plan was made: plan again");
		expect(done.stdout).not.toContain("Run the same command again to resume.");
		expect(sim.counters().created.contacts).toBe(0);
	}, 60_000);
});
