/**
 * Plans saved under sync rules, through the built binary against the simulator: the plan file
 * carries its rules and every operation they make (skipped rows, cleared fields, reads, deletes),
 * `apply` carries out exactly those with the plan's rules, and the CI outputs say what they did.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { type PlanBody, serializePlan } from "../../src/core/plan/plan-file.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

const CUSTOMERS_HEADER = "external_id,name,slug,domain,status,plan,mrr";
const CONTACTS_HEADER = "customer_external_id,name,email,title,labels";

function customerRows(
	n: number,
	change: (i: number) => Partial<Record<string, string>> = () => ({}),
): string[] {
	return Array.from({ length: n }, (_, i) => {
		const row = {
			external_id: `c-${i + 1}`,
			name: `Customer ${i + 1}`,
			slug: `customer-${i + 1}`,
			domain: `c${i + 1}.example`,
			status: "active",
			plan: "starter",
			mrr: "1000",
			...change(i + 1),
		};
		return [row.external_id, row.name, row.slug, row.domain, row.status, row.plan, row.mrr].join(",");
	});
}

async function job() {
	const sim = await startSimulator({ port: 0, rateLimit: 100_000 });
	sims.push(sim);
	const dir = tempDir();
	const customers = join(dir, "customers.csv");
	const contacts = join(dir, "contacts.csv");
	const plan = join(dir, "plan.json");
	// No step summary of the machine running the tests leaks in.
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl, GITHUB_STEP_SUMMARY: undefined };
	let marked: Record<string, number> = {};
	return {
		sim,
		dir,
		customers,
		plan,
		env,
		write(rows: readonly string[], contactRows: readonly string[] = []) {
			writeFileSync(customers, `${CUSTOMERS_HEADER}\n${rows.join("\n")}\n`);
			writeFileSync(contacts, `${CONTACTS_HEADER}\n${contactRows.join("\n")}\n`);
		},
		run: (...extra: string[]) =>
			runCli(["import", customers, "--contacts", contacts, "--headless", "--yes", ...extra], { env }),
		/** A dry run that saves the plan, with --detailed-exitcode. */
		planOut: (...rules: string[]) =>
			runCli(
				[
					"import",
					customers,
					"--contacts",
					contacts,
					"--headless",
					...rules,
					"--dry-run",
					"--plan-out",
					plan,
					"--detailed-exitcode",
				],
				{ env },
			),
		apply: (...extra: string[]) => runCli(["apply", plan, "--headless", "--yes", ...extra], { env }),
		saved: (): PlanBody => JSON.parse(readFileSync(plan, "utf8")),
		/** `"METHOD /route STATUS"` → count since the last `mark()`. */
		since() {
			const delta: Record<string, number> = {};
			for (const [route, n] of Object.entries(sim.counters().byRoute))
				if (n !== (marked[route] ?? 0)) delta[route] = n - (marked[route] ?? 0);
			return delta;
		},
		mark() {
			marked = { ...sim.counters().byRoute };
		},
		customer: (externalId: string) =>
			sim
				.state()
				.customers.find(
					(c) => !c.deleted && (c.metadata as Record<string, unknown>)?.external_id === externalId,
				),
	};
}

const count = (delta: Record<string, number>, method: string) =>
	Object.entries(delta)
		.filter(([route]) => route.startsWith(`${method} `))
		.reduce((n, [, k]) => n + k, 0);

describe("a --delete-missing plan saved and applied", { timeout: 90_000 }, () => {
	it("lists the deletes children first with its rules, exits 5, refuses a rule option, a forged or stale plan, then deletes exactly the planned records", async () => {
		const j = await job();
		j.write(customerRows(20), ["c-18,Zed Roe,zed@c18.example,CEO,"]);
		expect((await j.run()).code).toBe(0);
		// Three created customers (one with a contact) gone from the export; nothing else changed.
		j.write(customerRows(17));
		const reviewed = readFileSync(j.customers, "utf8");
		const summaryMd = join(j.dir, "plan-summary.md");
		j.mark();
		const planned = await j.planOut("--delete-missing", "--max-deletes", "3", "--summary-md", summaryMd);
		expect(planned.stderr).toBe("");
		// A plan of only deletes has changes.
		expect(planned.code).toBe(5);
		expect(count(j.since(), "DELETE") + count(j.since(), "POST") + count(j.since(), "PATCH")).toBe(0);
		const saved = j.saved();
		expect(saved.rules).toEqual({
			only: null,
			empty: "keep",
			keepPivotalEdits: false,
			deleteMissing: true,
			maxDeletes: 3,
		});
		expect(saved.counts.customers).toMatchObject({ delete: 3, update: 0, create: 0, unchanged: 17 });
		expect(saved.counts.contacts).toMatchObject({ delete: 1 });
		expect(saved.operations.map((o) => `${o.op} ${o.pass} ${o.key}`)).toEqual([
			"delete contacts c-18/zed@c18.example",
			"delete customers c-18",
			"delete customers c-19",
			"delete customers c-20",
		]);
		expect(saved.operations[1]).toMatchObject({ id: String(j.customer("c-18")?.id) });
		expect(saved.operations[1]?.line).toBeUndefined();
		// A read and a DELETE for each of the 4.
		expect(saved.requests).toBe(8);
		// The dry run's Markdown lists what would be deleted.
		const planMd = readFileSync(summaryMd, "utf8");
		expect(planMd).toContain("#### To delete (--delete-missing, children first)");
		expect(planMd).toContain("| contacts c-18/zed@c18.example |");
		expect(planMd).toContain("| customers c-20 |");
		// Sync rules: to delete, not_in_pivotal, fields cleared, reads.
		expect(planMd).toContain("| customers | 3 | 0 | 0 | 0 |");

		// Rule options belong to the plan: apply refuses one, sending nothing.
		const ruled = await j.apply("--delete-missing");
		expect(ruled.code).toBe(2);
		expect(ruled.stderr.trim()).toMatch(
			/^apply does not take --delete-missing: the plan holds the sync rules/,
		);

		// A plan made without deletes but claiming the rule (digest made again): the replan gives deletes.
		const { digest: _digest, ...body } = saved as PlanBody & { digest: string };
		const honest = readFileSync(j.plan, "utf8");
		writeFileSync(j.plan, serializePlan({ ...body, operations: body.operations.slice(0, 3) }));
		j.mark();
		const forged = await j.apply();
		expect(forged.code).toBe(2);
		expect(forged.stderr).toMatch(/lists operations that its files and state do not give/);
		writeFileSync(j.plan, serializePlan({ ...body, rules: { ...body.rules, deleteMissing: false } }));
		const unruled = await j.apply();
		expect(unruled.code).toBe(2);
		expect(unruled.stderr).toMatch(/lists operations that its files and state do not give/);
		expect(j.since()).toEqual({});
		writeFileSync(j.plan, honest);

		// One more row gone after the review: stale, nothing sent.
		j.write(customerRows(16));
		const stale = await j.apply();
		expect(stale.code).toBe(2);
		expect(stale.stderr).toMatch(
			/^stale plan: the customers file \S*customers\.csv changed since the plan was made/,
		);
		expect(j.since()).toEqual({});
		expect(j.customer("c-17")).toBeDefined();

		// The reviewed file back: exactly the planned DELETEs, no other write.
		writeFileSync(j.customers, reviewed);
		const runMd = join(j.dir, "run-summary.md");
		const applied = await j.apply("--summary-md", runMd);
		expect(applied.code, applied.stderr).toBe(0);
		const delta = j.since();
		expect(delta["DELETE /customers/:id 200"]).toBe(3);
		expect(delta["DELETE /contacts/:id 200"]).toBe(1);
		expect(count(delta, "DELETE")).toBe(4);
		expect(count(delta, "POST") + count(delta, "PATCH")).toBe(0);
		for (const key of ["c-18", "c-19", "c-20"]) expect(j.customer(key), key).toBeUndefined();
		expect(j.customer("c-17")).toMatchObject({ name: "Customer 17" });
		const md = readFileSync(runMd, "utf8");
		expect(md).toContain("| pass | deleted | not_in_pivotal | fields kept (edited_in_pivotal) |");
		expect(md).toContain("| customers | 3 | 0 | 0 |");
		expect(md).toContain("| contacts | 1 | 0 | 0 |");
	});
});

describe("plans under --only, --empty and --keep-pivotal-edits", { timeout: 90_000 }, () => {
	it("--only update: the new row is listed as skipped (not_in_pivotal); apply never POSTs; a plan of only such rows has no changes", async () => {
		const j = await job();
		j.write(customerRows(2));
		expect((await j.run()).code).toBe(0);
		j.write([
			...customerRows(2, (i) => (i === 1 ? { name: "Customer One" } : {})),
			...customerRows(3).slice(2),
		]);
		const planned = await j.planOut("--only", "update");
		expect(planned.code, planned.stderr).toBe(5);
		const saved = j.saved();
		expect(saved.rules).toMatchObject({ only: "update" });
		expect(saved.operations).toEqual([
			expect.objectContaining({ op: "update", key: "c-1" }),
			{ pass: "customers", key: "c-3", line: 4, op: "skipped", reason: "not_in_pivotal" },
		]);
		expect(saved.counts.customers).toMatchObject({ update: 1, skipped: 1, create: 0 });
		j.mark();
		const applied = await j.apply();
		expect(applied.code, applied.stderr).toBe(0);
		const delta = j.since();
		expect(count(delta, "POST")).toBe(0);
		expect(count(delta, "PATCH")).toBe(1);
		expect(j.customer("c-1")).toMatchObject({ name: "Customer One" });
		expect(j.customer("c-3")).toBeUndefined();
		// Left with only the row --only update leaves out: nothing would be sent, exit 0.
		const again = await j.planOut("--only", "update");
		expect(again.code, again.stderr).toBe(0);
		expect(j.saved().operations).toEqual([
			{ pass: "customers", key: "c-3", line: 4, op: "skipped", reason: "not_in_pivotal" },
		]);
	});

	it("--empty clear: the plan lists the emptied field before → null, and apply clears it", async () => {
		const j = await job();
		j.write(customerRows(2));
		expect((await j.run()).code).toBe(0);
		j.write(customerRows(2, (i) => (i === 2 ? { domain: "" } : {})));
		const planned = await j.planOut("--empty", "clear");
		expect(planned.code, planned.stderr).toBe(5);
		const saved = j.saved();
		expect(saved.rules).toMatchObject({ empty: "clear" });
		expect(saved.operations).toEqual([
			expect.objectContaining({
				op: "update",
				key: "c-2",
				changes: [{ field: "domain", before: "c2.example", after: null, isCleared: true }],
			}),
		]);
		j.mark();
		const applied = await j.apply();
		expect(applied.code, applied.stderr).toBe(0);
		expect(count(j.since(), "PATCH")).toBe(1);
		expect(j.customer("c-2")).toMatchObject({ domain: null, name: "Customer 2" });
		expect(j.customer("c-1")).toMatchObject({ domain: "c1.example" });
	});

	it("--keep-pivotal-edits: the plan marks the read before the PATCH; apply reads, keeps the edited field and patches the rest", async () => {
		const j = await job();
		j.write(customerRows(2));
		expect((await j.run()).code).toBe(0);
		const id = String(j.customer("c-1")?.id);
		const client = createClient({ baseUrl: j.sim.baseUrl, apiKey: TEST_KEY });
		await client.updateRecord("customers", id, JSON.stringify({ plan: "growth" }));
		await client.close();
		j.write(customerRows(2, (i) => (i === 1 ? { plan: "enterprise", mrr: "2500" } : {})));
		const planned = await j.planOut("--keep-pivotal-edits");
		expect(planned.code, planned.stderr).toBe(5);
		const saved = j.saved();
		expect(saved.operations).toEqual([expect.objectContaining({ op: "update", key: "c-1", read: true })]);
		expect(saved.requests).toBe(2);
		j.mark();
		const applied = await j.apply();
		expect(applied.code, applied.stderr).toBe(0);
		const delta = j.since();
		expect(delta["GET /customers/:id 200"]).toBe(1);
		expect(count(delta, "PATCH")).toBe(1);
		expect(j.customer("c-1")).toMatchObject({ plan: "growth", mrr: 2500 });
	});
});
