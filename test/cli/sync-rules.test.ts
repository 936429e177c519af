/**
 * The sync rules through the built binary against the simulator, the simulator's records checked
 * field by field: --only update|create, --empty clear (and its undo), --keep-pivotal-edits,
 * --delete-missing (and its limit).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
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

interface Job {
	readonly sim: Simulator;
	readonly dir: string;
	readonly customers: string;
	readonly contacts: string;
	readonly env: Record<string, string>;
	write(customers: readonly string[], contacts?: readonly string[]): void;
	run(...extra: string[]): ReturnType<typeof runCli>;
	undo(...extra: string[]): ReturnType<typeof runCli>;
	/** `"METHOD /route STATUS"` → count since the last `mark()`. */
	since(): Record<string, number>;
	mark(): void;
	customer(externalId: string): Record<string, unknown> | undefined;
	contact(email: string): Record<string, unknown> | undefined;
}

async function job(): Promise<Job> {
	const sim = await startSimulator({ port: 0, rateLimit: 100_000 });
	sims.push(sim);
	const dir = tempDir();
	const customers = join(dir, "customers.csv");
	const contacts = join(dir, "contacts.csv");
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	let marked: Record<string, number> = {};
	const self: Job = {
		sim,
		dir,
		customers,
		contacts,
		env,
		write(rows, contactRows = []) {
			writeFileSync(customers, `${CUSTOMERS_HEADER}\n${rows.join("\n")}\n`);
			writeFileSync(contacts, `${CONTACTS_HEADER}\n${contactRows.join("\n")}\n`);
		},
		run: (...extra) =>
			runCli(["import", customers, "--contacts", contacts, "--headless", "--yes", ...extra], { env }),
		undo: (...extra) => runCli(["undo", customers, "--headless", "--yes", ...extra], { env }),
		since() {
			const delta: Record<string, number> = {};
			for (const [route, n] of Object.entries(sim.counters().byRoute))
				if (n !== (marked[route] ?? 0)) delta[route] = n - (marked[route] ?? 0);
			return delta;
		},
		mark() {
			marked = { ...sim.counters().byRoute };
		},
		customer: (externalId) =>
			sim
				.state()
				.customers.find(
					(c) => !c.deleted && (c.metadata as Record<string, unknown>)?.external_id === externalId,
				),
		contact: (email) => sim.state().contacts.find((c) => !c.deleted && c.email === email),
	};
	return self;
}

const count = (delta: Record<string, number>, method: string) =>
	Object.entries(delta)
		.filter(([route]) => route.startsWith(`${method} `) && /2\d\d$/.test(route))
		.reduce((n, [, k]) => n + k, 0);

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

describe("the sync-rule options refused before anything is read or sent", { timeout: 60_000 }, () => {
	const rows: readonly [readonly string[], string][] = [
		[["--only", "upsert"], "--only takes create or update, not “upsert”."],
		[["--empty", "blank"], "--empty takes keep or clear, not “blank”."],
		[["--max-deletes", "5"], "--max-deletes goes with --delete-missing."],
		[
			["--delete-missing", "--max-deletes", "-1"],
			"--max-deletes must be a whole number of at least 0, not -1.",
		],
		[
			["--only", "create", "--empty", "clear"],
			"--empty clear changes records, which --only create never does",
		],
		[["--only", "create", "--keep-pivotal-edits"], "--keep-pivotal-edits guards updates"],
		[["--only"], "--only needs a value: --only create|update."],
	];
	for (const [flags, message] of rows) {
		it(flags.join(" "), async () => {
			const dir = tempDir();
			const customers = join(dir, "customers.csv");
			writeFileSync(customers, `${CUSTOMERS_HEADER}\n${customerRows(1).join("\n")}\n`);
			const run = await runCli(["import", customers, "--headless", "--yes", ...flags], {
				env: { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: "http://127.0.0.1:9/api/v1" },
			});
			expect(run.code).toBe(2);
			expect(run.stderr).toContain(message);
			expect(run.stderr).not.toMatch(/\n\s+at /);
		});
	}
});

describe("--only", { timeout: 60_000 }, () => {
	it("update: a changed row is patched, a new row is not created and is reported not_in_pivotal", async () => {
		const j = await job();
		j.write(customerRows(3));
		expect((await j.run()).code).toBe(0);
		j.write([
			...customerRows(3, (i) => (i === 2 ? { plan: "enterprise" } : {})),
			...customerRows(4).slice(3),
		]);
		j.mark();
		const results = join(j.dir, "results.csv");
		const failures = join(j.dir, "failures.csv");
		const run = await j.run("--only", "update", "--results-csv", results, "--failures-csv", failures);
		expect(run.code, run.stderr).toBe(0);
		const delta = j.since();
		expect(count(delta, "PATCH")).toBe(1);
		expect(count(delta, "POST")).toBe(0);
		expect(j.customer("c-2")).toMatchObject({ plan: "enterprise", domain: "c2.example", mrr: 1000 });
		expect(j.customer("c-1")).toMatchObject({ plan: "starter" });
		expect(j.customer("c-4")).toBeUndefined();
		expect(run.stdout).toContain("not_in_pivotal ×1");
		// Not "every record is in Pivotal" (finding AH7).
		expect(run.stdout).toContain(
			"every record sent is in Pivotal; 1 row not in Pivotal not created (--only update)",
		);
		const csv = readFileSync(results, "utf8");
		expect(csv).toMatch(/customers,5,c-4,not_in_pivotal,,,not_in_pivotal,/);
		// In the failures file too, which the summary's "failures by code" points to (finding AI1).
		expect(readFileSync(failures, "utf8")).toMatch(/\r\ncustomers,5,,not_in_pivotal,/);
		expect(csv).toMatch(/customers,3,c-2,updated,/);
		// The plan says so before anything is sent, in text and in NDJSON.
		const dry = await j.run("--only", "update", "--dry-run");
		expect(dry.stdout).toContain("customers: 1 with no customer in Pivotal: not created (--only update)");
		const json = await j.run("--only", "update", "--dry-run", "--json");
		const lines = json.stdout
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(lines.find((l) => l.key === "c-4")).toMatchObject({ op: "skipped", reason: "not_in_pivotal" });
		expect(lines.at(-1)).toMatchObject({ type: "dry-run", rules: { only: "update" } });
	});

	it("create: a changed row is left as Pivotal has it (0 PATCH), a new row is created", async () => {
		const j = await job();
		j.write(customerRows(3));
		expect((await j.run()).code).toBe(0);
		j.write(customerRows(4, (i) => (i === 1 ? { plan: "enterprise", domain: "new.example" } : {})));
		j.mark();
		const run = await j.run("--only", "create");
		expect(run.code, run.stderr).toBe(0);
		const delta = j.since();
		expect(count(delta, "PATCH")).toBe(0);
		expect(count(delta, "POST")).toBe(1);
		expect(j.customer("c-1")).toMatchObject({ plan: "starter", domain: "c1.example" });
		expect(j.customer("c-4")).toMatchObject({ name: "Customer 4", plan: "starter" });
		// Without the rule the next sync makes the change.
		j.mark();
		expect((await j.run()).code).toBe(0);
		expect(count(j.since(), "PATCH")).toBe(1);
		expect(j.customer("c-1")).toMatchObject({ plan: "enterprise", domain: "new.example" });
	});
});

describe("--empty clear", { timeout: 60_000 }, () => {
	it("clears a title and a domain emptied in the files; keep (the default) leaves them; undo puts them back", async () => {
		const j = await job();
		j.write(customerRows(2), ["c-1,Ann Lee,ann@c1.example,CTO,tech;exec"]);
		expect((await j.run()).code).toBe(0);
		j.write(
			customerRows(2, (i) => (i === 1 ? { domain: "" } : {})),
			["c-1,Ann Lee,ann@c1.example,,"],
		);
		j.mark();
		expect((await j.run()).code).toBe(0);
		expect(count(j.since(), "PATCH")).toBe(0);
		expect(j.customer("c-1")).toMatchObject({ domain: "c1.example" });

		const dry = await j.run("--empty", "clear", "--dry-run");
		expect(dry.stdout).toContain('domain "c1.example" → (cleared)');
		expect(dry.stdout).toContain('title "CTO" → (cleared)');
		j.mark();
		const run = await j.run("--empty", "clear");
		expect(run.code, run.stderr).toBe(0);
		expect(count(j.since(), "PATCH")).toBe(2);
		expect(j.customer("c-1")).toMatchObject({ domain: null, name: "Customer 1", plan: "starter", mrr: 1000 });
		expect(j.customer("c-2")).toMatchObject({ domain: "c2.example" });
		expect(j.contact("ann@c1.example")).toMatchObject({ title: null, labels: [], name: "Ann Lee" });
		// Cleared once: the next sync has nothing to do.
		j.mark();
		expect((await j.run("--empty", "clear")).code).toBe(0);
		expect(count(j.since(), "PATCH")).toBe(0);

		const undone = await j.undo();
		expect(undone.code, undone.stderr).toBe(0);
		expect(j.customer("c-1")).toMatchObject({ domain: "c1.example" });
		expect(j.contact("ann@c1.example")).toMatchObject({ title: "CTO", labels: ["tech", "exec"] });
	});
});

describe("--keep-pivotal-edits", { timeout: 60_000 }, () => {
	it("keeps two fields edited through the API, patches the other change, and reports the kept ones", async () => {
		const j = await job();
		j.write(customerRows(2));
		expect((await j.run()).code).toBe(0);
		const id = String(j.customer("c-1")?.id);
		const client = createClient({ baseUrl: j.sim.baseUrl, apiKey: TEST_KEY });
		await client.updateRecord("customers", id, JSON.stringify({ plan: "growth", domain: "edited.example" }));
		await client.close();
		// The export changes one of the edited fields (plan) and another field (mrr).
		j.write(customerRows(2, (i) => (i === 1 ? { plan: "enterprise", mrr: "2500" } : {})));
		const dry = await j.run("--keep-pivotal-edits", "--dry-run");
		expect(dry.stdout).toContain("customers: 1 read before updating (--keep-pivotal-edits)");
		expect(dry.stdout).toMatch(/2 requests/);
		j.mark();
		const results = join(j.dir, "results.csv");
		const run = await j.run("--keep-pivotal-edits", "--results-csv", results);
		expect(run.code, run.stderr).toBe(0);
		const delta = j.since();
		expect(delta["GET /customers/:id 200"]).toBe(1);
		expect(count(delta, "PATCH")).toBe(1);
		expect(j.customer("c-1")).toMatchObject({ plan: "growth", domain: "edited.example", mrr: 2500 });
		expect(run.stdout).toContain("edited_in_pivotal ×1");
		expect(run.stdout).toContain("customers: 1 with fields edited in Pivotal, kept (--keep-pivotal-edits):");
		expect(run.stdout).toContain("c-1 (line 2): plan edited in Pivotal since the import last wrote it");
		expect(readFileSync(results, "utf8")).toMatch(/c-1,updated,.*edited_in_pivotal,.*plan/);
		// The kept field stays kept on the next sync; without the rule it is overwritten.
		j.mark();
		expect((await j.run("--keep-pivotal-edits")).code).toBe(0);
		expect(count(j.since(), "PATCH")).toBe(0);
		expect(j.customer("c-1")).toMatchObject({ plan: "growth" });
		expect((await j.run()).code).toBe(0);
		expect(j.customer("c-1")).toMatchObject({ plan: "enterprise", domain: "edited.example" });
	});
});

describe("--delete-missing", { timeout: 60_000 }, () => {
	it("deletes the 3 created customers gone from the file (their contact first), never the adopted one; undo re-creates them", async () => {
		const j = await job();
		// c-20 exists in Pivotal before the first import: found and adopted.
		const client = createClient({ baseUrl: j.sim.baseUrl, apiKey: TEST_KEY });
		const adopted = await client.createCustomer(
			JSON.stringify({ name: "Customer 20", slug: "customer-20", metadata: { external_id: "c-20" } }),
			"by-hand-20",
		);
		await client.close();
		j.write(customerRows(20), ["c-18,Zed Roe,zed@c18.example,CEO,"]);
		expect((await j.run()).code).toBe(0);
		expect(j.sim.counters().created.customers).toBe(20);
		const gone = ["c-17", "c-18", "c-19"].map((k) => String(j.customer(k)?.id));
		const before = j.customer("c-17");

		// 3 created rows and the adopted row removed.
		j.write(customerRows(16), []);
		const dry = await j.run("--delete-missing", "--max-deletes", "3", "--dry-run");
		expect(dry.code, dry.stderr).toBe(0);
		expect(dry.stdout).toContain("customers: 3 to delete");
		expect(dry.stdout).toContain(
			"customers: 1 gone from the files but kept: found in Pivotal rather than created",
		);
		const json = await j.run("--delete-missing", "--max-deletes", "3", "--dry-run", "--json");
		const lines = json.stdout
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		// Children first; within a pass in the state's order.
		const deletes = lines.filter((l) => l.op === "delete").map((l) => `${l.pass} ${l.key}`);
		expect(deletes[0]).toBe("contacts c-18/zed@c18.example");
		expect(deletes.sort()).toEqual([
			"contacts c-18/zed@c18.example",
			"customers c-17",
			"customers c-18",
			"customers c-19",
		]);
		expect(lines.at(-1)).toMatchObject({ type: "dry-run", rules: { deleteMissing: true, maxDeletes: 3 } });
		j.mark();
		const run = await j.run("--delete-missing", "--max-deletes", "3");
		expect(run.code, run.stderr).toBe(0);
		const delta = j.since();
		expect(delta["DELETE /customers/:id 200"]).toBe(3);
		expect(delta["DELETE /contacts/:id 200"]).toBe(1);
		expect(count(delta, "POST") + count(delta, "PATCH")).toBe(0);
		expect(run.stdout).toContain("customers: 3 deleted (--delete-missing");
		const state = j.sim.state();
		for (const id of gone) expect(state.customers.find((c) => c.id === id)?.deleted, id).toBe(true);
		expect(state.customers.find((c) => c.id === adopted.data.id)).toMatchObject({
			deleted: false,
			name: "Customer 20",
		});
		expect(j.customer("c-1")).toMatchObject({ name: "Customer 1", domain: "c1.example" });
		expect(state.contacts.find((c) => c.email === "zed@c18.example")?.deleted).toBe(true);

		// Undo re-creates them under new ids with the values last written.
		const undoPlan = await j.undo("--dry-run");
		expect(undoPlan.stdout).toMatch(/re-create/);
		const undone = await j.undo();
		expect(undone.code, undone.stderr).toBe(0);
		const back = j.customer("c-17");
		expect(back?.id).not.toBe(before?.id);
		expect(back).toMatchObject({
			name: "Customer 17",
			slug: "customer-17",
			domain: "c17.example",
			plan: "starter",
			mrr: 1000,
		});
		expect(j.customer("c-19")).toBeDefined();
		expect(j.contact("zed@c18.example")).toMatchObject({
			name: "Zed Roe",
			title: "CEO",
			customer_id: j.customer("c-18")?.id,
		});
	});

	it("refuses, before anything is sent, when 30 % of the pass would go (the default limit is 10 %)", async () => {
		const j = await job();
		j.write(customerRows(20));
		expect((await j.run()).code).toBe(0);
		j.write(customerRows(14));
		j.mark();
		const run = await j.run("--delete-missing");
		expect(run.code).toBe(2);
		expect(run.stderr).toContain(
			"--delete-missing would delete 6 customers, more than 2 (10 % of the 20 customers",
		);
		expect(j.since()).toEqual({});
		expect(j.sim.state().customers.filter((c) => !c.deleted)).toHaveLength(20);
	});
});
