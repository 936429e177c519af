/**
 * The sync rules against an adversarial tester's findings, through the built binary against the
 * simulator: fields the file has no column for under --empty clear, an onboarding known by its
 * name, a child's failed DELETE blocking its customer's, a closed stdout.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { editState } from "../support/edit-state.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

interface Job {
	readonly sim: Simulator;
	readonly dir: string;
	readonly files: Record<"customers" | "contacts" | "onboardings", string>;
	readonly env: Record<string, string>;
	write(pass: "customers" | "contacts" | "onboardings", lines: readonly string[]): void;
	run(...extra: string[]): ReturnType<typeof runCli>;
	live(kind: "customers" | "contacts" | "onboardings"): Record<string, unknown>[];
}

async function job(): Promise<Job> {
	const sim = await startSimulator({ port: 0, rateLimit: 100_000 });
	sims.push(sim);
	const dir = tempDir();
	const files = {
		customers: join(dir, "customers.csv"),
		contacts: join(dir, "contacts.csv"),
		onboardings: join(dir, "onboardings.csv"),
	};
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	const present = new Set<string>();
	return {
		sim,
		dir,
		files,
		env,
		write(pass, lines) {
			present.add(pass);
			writeFileSync(files[pass], `${lines.join("\n")}\n`);
		},
		run: (...extra) => {
			const children: string[] = [];
			if (present.has("contacts")) children.push("--contacts", files.contacts);
			if (present.has("onboardings")) children.push("--onboardings", files.onboardings);
			return runCli(["import", files.customers, ...children, "--headless", "--yes", ...extra], { env });
		},
		live: (kind) =>
			(sim.state()[kind] as unknown as Record<string, unknown>[]).filter((r) => r.deleted !== true),
	};
}

describe("--empty clear never clears a field the file has no column for", { timeout: 60_000 }, () => {
	it("a column dropped from the export, or mapped out, leaves the field as Pivotal has it", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,slug,domain,plan", "a1,Alpha,alpha,alpha.example,starter"]);
		expect((await j.run()).code).toBe(0);
		// The export drops the domain column: not an emptied cell.
		j.write("customers", ["external_id,name,slug,plan", "a1,Alpha,alpha,starter"]);
		const dropped = await j.run("--empty", "clear");
		expect(dropped.code, dropped.stderr).toBe(0);
		expect(j.live("customers")[0]).toMatchObject({ domain: "alpha.example", plan: "starter" });
		// The column is back but the map leaves it out.
		j.write("customers", ["external_id,name,slug,domain,plan", "a1,Alpha,alpha,,starter"]);
		const map = join(j.dir, "map.json");
		writeFileSync(map, JSON.stringify({ customers: { columns: { domain: null } } }));
		const mapped = await j.run("--empty", "clear", "--map", map);
		expect(mapped.code, mapped.stderr).toBe(0);
		expect(j.live("customers")[0]).toMatchObject({ domain: "alpha.example" });
		// A cell present and empty is an emptied cell.
		const emptied = await j.run("--empty", "clear");
		expect(emptied.code, emptied.stderr).toBe(0);
		expect(j.live("customers")[0]).toMatchObject({ domain: null, plan: "starter" });
	});
});

describe("--delete-missing and a child whose DELETE fails", { timeout: 60_000 }, () => {
	it("keeps the customer, reported blocked, when its onboarding's DELETE is refused", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,slug", "k1,Kilo One,kilo-one", "k2,Kilo Two,kilo-two"]);
		j.write("onboardings", ["customer_external_id,name,phase", "k1,Pilot,program_design"]);
		expect((await j.run()).code).toBe(0);
		j.write("customers", ["external_id,name,slug", "k2,Kilo Two,kilo-two"]);
		j.write("onboardings", ["customer_external_id,name,phase"]);
		j.sim.pushFault({ method: "DELETE", route: "/onboardings/:id", status: 400, code: "bad_request" });
		const run = await j.run("--delete-missing", "--max-deletes", "5");
		expect(run.code).toBe(1);
		expect(j.live("onboardings")).toHaveLength(1);
		expect(j.live("customers").map((c) => c.slug)).toEqual(expect.arrayContaining(["kilo-one", "kilo-two"]));
		expect(j.sim.counters().byRoute["DELETE /customers/:id 204"] ?? 0).toBe(0);
		expect(run.stdout).toContain("blocked_by_child ×1");
		// source: the file's 1 row, not the delete planned on top.
		// (No pass adopted or left pending: a sync's table leaves those columns out.)
		expect(run.stdout).toMatch(/customers +1 +2 +0 +0 +1 +0 +1\n/);
		// Once the onboarding's DELETE goes through, the customer follows.
		j.sim.clearScriptedFaults();
		const again = await j.run("--delete-missing", "--max-deletes", "5");
		expect(again.code, again.stderr).toBe(0);
		expect(j.live("onboardings")).toHaveLength(0);
		expect(j.live("customers").map((c) => c.slug)).toEqual(["kilo-two"]);
	});
});

describe("a closed stdout", { timeout: 60_000 }, () => {
	it("ends a dry run piped into head quietly, exit code 0", async () => {
		const j = await job();
		const rows = Array.from({ length: 3000 }, (_, i) => `e${i},Name ${i},name-${i}`);
		j.write("customers", ["external_id,name,slug", ...rows]);
		const { spawn } = await import("node:child_process");
		const { BIN } = await import("../support/cli.js");
		const command = `"${process.execPath}" "${BIN}" import "${j.files.customers}" --dry-run --json | head -3 >/dev/null; exit \${PIPESTATUS[0]}`;
		const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
			const child = spawn("bash", ["-c", command], {
				env: { ...process.env, ...j.env, NO_COLOR: "1" },
				stdio: ["ignore", "ignore", "pipe"],
			});
			let stderr = "";
			child.stderr?.setEncoding("utf8").on("data", (c: string) => {
				stderr += c;
			});
			child.on("close", (code) => resolve({ code, stderr }));
		});
		expect(result.stderr).not.toContain("EPIPE");
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(result.code).toBe(0);
	});
});

describe("a customer whose external id names another record", { timeout: 60_000 }, () => {
	it("is never adopted on a slug match: the row gets a slug of its own", async () => {
		const j = await job();
		const client = createClient({ baseUrl: j.sim.baseUrl, apiKey: TEST_KEY });
		await client.createCustomer(
			JSON.stringify({
				name: "Zeta Corp",
				slug: "zeta-corp",
				metadata: { external_id: "other-1", src: "salesforce" },
			}),
			"by-hand-zeta",
		);
		await client.close();
		j.write("customers", ["external_id,name,slug,mrr", "z1,Zeta Corp,zeta-corp,10"]);
		const run = await j.run();
		expect(run.code, run.stderr).toBe(0);
		const all = j.live("customers");
		expect(all).toHaveLength(2);
		const theirs = all.find((c) => (c.metadata as Record<string, unknown>).external_id === "other-1");
		expect(theirs).toMatchObject({
			slug: "zeta-corp",
			metadata: { external_id: "other-1", src: "salesforce" },
		});
		expect(theirs?.mrr ?? null).toBeNull();
	});

	it("a customer made in Pivotal with this row's external id is adopted on a later sync, not duplicated", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,mrr", "e1,One,10"]);
		expect((await j.run()).code).toBe(0);
		const client = createClient({ baseUrl: j.sim.baseUrl, apiKey: TEST_KEY });
		await client.createCustomer(
			JSON.stringify({ name: "Four", slug: "four", metadata: { external_id: "e4" } }),
			"by-hand-four",
		);
		await client.close();
		j.write("customers", ["external_id,name,mrr", "e1,One,10", "e4,Four,40"]);
		const run = await j.run();
		expect(run.code, run.stderr).toBe(0);
		const fours = j.live("customers").filter((c) => String(c.name) === "Four");
		expect(fours).toHaveLength(1);
		expect(fours[0]).toMatchObject({ slug: "four", mrr: 40 });
	});
});

describe("an onboarding is known by its name within its customer", { timeout: 90_000 }, () => {
	const customers = ["external_id,name,slug", "k1,Kilo One,kilo-one"];
	const header = "customer_external_id,name,phase,notes";
	const pilot = "k1,Pilot,program_design,pilot notes";
	const expansion = "k1,Expansion,program_buildout,expansion notes";
	const byName = (j: Job) =>
		Object.fromEntries(j.live("onboardings").map((o) => [String(o.name), [o.phase, o.notes]]));
	const writes = (j: Job) =>
		Object.entries(j.sim.counters().byRoute)
			.filter(([route]) => /^(POST|PATCH|DELETE) .* 2\d\d$/.test(route))
			.reduce((n, [, k]) => n + k, 0);

	it("removing a row deletes that onboarding, never another's values moved onto the one kept", async () => {
		const j = await job();
		j.write("customers", customers);
		j.write("onboardings", [header, pilot, expansion]);
		expect((await j.run()).code).toBe(0);
		j.write("onboardings", [header, expansion]);
		const dry = await j.run("--delete-missing", "--max-deletes", "5", "--dry-run");
		expect(dry.stdout).not.toContain("Pilot → Expansion");
		const before = writes(j);
		const run = await j.run("--delete-missing", "--max-deletes", "5");
		expect(run.code, run.stderr).toBe(0);
		expect(writes(j) - before).toBe(1);
		expect(byName(j)).toEqual({ Expansion: ["program_buildout", "expansion notes"] });
	});

	it("a state written with positional keys keeps working: reorder and removal send nothing wrong, no duplicate", async () => {
		const j = await job();
		j.write("customers", customers);
		j.write("onboardings", [header, pilot, expansion]);
		expect((await j.run()).code).toBe(0);
		// Turn the state into one the positional keying wrote.
		const path = `${j.files.customers}.checkpoint.json`;
		const text = editState(path, (t) =>
			t.replaceAll('"k1/name:Pilot"', '"k1/1"').replaceAll('"k1/name:Expansion"', '"k1/2"'),
		);
		expect(text).toContain('"k1/name:Pilot"');
		// Reordered: every record is in Pivotal as the file has it.
		j.write("onboardings", [header, expansion, pilot]);
		let before = writes(j);
		const results = join(j.dir, "results.csv");
		const reordered = await j.run("--results-csv", results);
		expect(reordered.code, reordered.stderr).toBe(0);
		expect(writes(j) - before).toBe(0);
		// The results file finds each row's record under its old key. (Which of the two concurrent
		// creates reached the server first, and so got display id 1, is not the file's order.)
		const csv = readFileSync(results, "utf8");
		const displayId = (name: string) => j.live("onboardings").find((o) => o.name === name)?.display_id;
		expect(csv).toMatch(
			new RegExp(`onboardings,2,k1/name:Expansion,unchanged,\\w+,${displayId("Expansion")},`),
		);
		expect(csv).toMatch(new RegExp(`onboardings,3,k1/name:Pilot,unchanged,\\w+,${displayId("Pilot")},`));
		// The Pilot row removed: only Pilot goes.
		j.write("onboardings", [header, expansion]);
		before = writes(j);
		const removed = await j.run("--delete-missing", "--max-deletes", "5");
		expect(removed.code, removed.stderr).toBe(0);
		expect(writes(j) - before).toBe(1);
		expect(byName(j)).toEqual({ Expansion: ["program_buildout", "expansion notes"] });
		// A changed note still reaches the right onboarding.
		j.write("onboardings", [header, "k1,Expansion,program_buildout,new notes"]);
		expect((await j.run()).code).toBe(0);
		expect(byName(j)).toEqual({ Expansion: ["program_buildout", "new notes"] });
		expect(j.live("onboardings")).toHaveLength(1);
	});

	it("a state with positional keys: the row takes the old record whose values are its own, the other goes", async () => {
		const j = await job();
		j.write("customers", customers);
		const [a, b, y] = ["k1,X,program_design,a", "k1,X,launch,b", "k1,Y,program_design,y"];
		j.write("onboardings", [header, a, b, y]);
		expect((await j.run()).code).toBe(0);
		const path = `${j.files.customers}.checkpoint.json`;
		editState(path, (text) =>
			text
				.replaceAll('"k1/#1"', '"k1/1"')
				.replaceAll('"k1/#2"', '"k1/2"')
				.replaceAll('"k1/name:Y"', '"k1/3"'),
		);
		const idOf = (notes: string) => j.live("onboardings").find((o) => o.notes === notes)?.id;
		const [bId, yId] = [idOf("b"), idOf("y")];
		// Row "a" gone: "b" (now one row's, keyed by name) is the record already in launch.
		j.write("onboardings", [header, b, y]);
		const before = writes(j);
		const run = await j.run("--delete-missing", "--max-deletes", "5");
		expect(run.code, run.stderr).toBe(0);
		expect(writes(j) - before).toBe(1);
		// (In any order: the simulator lists them as their concurrent creates reached it.)
		expect(
			j
				.live("onboardings")
				.map((o) => [o.id, o.notes])
				.sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
		).toEqual([
			[bId, "b"],
			[yId, "y"],
		]);
	});

	it("a name written in NFD by an earlier version, and a row that took over a record: found, listed with its id", async () => {
		const j = await job();
		const nfc = "k1,Caf\u00e9 Rollout,program_design,cafe notes";
		j.write("customers", customers);
		j.write("onboardings", [header, nfc, "k1,Twin,program_design,first twin", "k1,Twin,review,second twin"]);
		expect((await j.run()).code).toBe(0);
		// The state as an earlier version wrote it: the name's key in NFD.
		const path = `${j.files.customers}.checkpoint.json`;
		const text = editState(path, (t) =>
			t.replaceAll('"k1/name:Caf\u00e9 Rollout"', '"k1/name:Cafe\u0301 Rollout"'),
		);
		expect(text).toContain('"k1/name:Caf\u00e9 Rollout"');
		// The second "Twin" gone: the first is one row's again, keyed by its name now.
		j.write("onboardings", [header, nfc, "k1,Twin,program_design,first twin"]);
		const before = writes(j);
		const results = join(j.dir, "results.csv");
		const run = await j.run("--results-csv", results);
		expect(run.code, run.stderr).toBe(0);
		expect(writes(j) - before).toBe(0);
		expect(j.live("onboardings")).toHaveLength(3);
		// Each row listed under its own key with the record it is, not as pending.
		const csv = readFileSync(results, "utf8");
		const idOf = (notes: string) => String(j.live("onboardings").find((o) => o.notes === notes)?.id);
		expect(csv).toMatch(
			new RegExp(`onboardings,2,k1/name:Caf\u00e9 Rollout,unchanged,${idOf("cafe notes")},`),
		);
		expect(csv).toMatch(new RegExp(`onboardings,3,k1/name:Twin,unchanged,${idOf("first twin")},`));
	});
});

describe("--delete-missing and a customer someone deleted in Pivotal", { timeout: 60_000 }, () => {
	it("is reported already gone, not deleted by this run, and undo does not re-create it", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,slug", "g1,Gone One,gone-one", "g2,Kept Two,kept-two"]);
		expect((await j.run()).code).toBe(0);
		const id = String(j.live("customers").find((c) => c.slug === "gone-one")?.id);
		const client = createClient({ baseUrl: j.sim.baseUrl, apiKey: TEST_KEY });
		await client.deleteRecord("customers", id);
		await client.close();
		j.write("customers", ["external_id,name,slug", "g2,Kept Two,kept-two"]);
		const run = await j.run("--delete-missing", "--max-deletes", "5");
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(run.stdout).toContain("already_gone ×1");
		expect(run.stdout).not.toMatch(/customers: 1 deleted/);
		const posts = () => j.sim.counters().byRoute["POST /customers 201"] ?? 0;
		const before = posts();
		const undo = await runCli(["undo", j.files.customers, "--headless", "--yes"], { env: j.env });
		expect(undo.code, `${undo.stdout}${undo.stderr}`).toBe(0);
		expect(posts() - before).toBe(0);
		// Nothing of the --delete-missing run to take back: undo takes back the import before it.
		expect(j.live("customers").map((c) => c.slug)).not.toContain("gone-one");
	});
});

describe("the plan's words under --only", { timeout: 60_000 }, () => {
	it("create: a row looked up is adopted as Pivotal has it, never 'corrected'", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,mrr", "e1,One,10"]);
		const dry = await j.run("--only", "create", "--dry-run");
		expect(dry.stdout).toContain("(adopted as Pivotal has it when found, else created)");
		expect(dry.stdout).not.toContain("corrected");
	});
});

describe("a --delete-missing plan that deletes customers", { timeout: 60_000 }, () => {
	it("warns that what others added under them drops out of Pivotal's lists, and names why a customer is kept", async () => {
		const j = await job();
		j.write("customers", [
			"external_id,name,slug",
			"d1,Del One,del-one",
			"d2,Del Two,del-two",
			"d3,Keep,keep",
		]);
		j.write("contacts", ["customer_external_id,name,email", "d2,Ann,ann@two.example"]);
		expect((await j.run()).code).toBe(0);
		// d2's contact is one the import adopted (made in Pivotal first): d2 is kept for it.
		const state = `${j.files.customers}.checkpoint.json`;
		// The record's line (and any journal line of it): `"k":"d2/ann@two.example","v":{…"outcome":"created"…}`.
		let adopted = "";
		const text = editState(state, (t) => {
			adopted = t.replace(/("k":"d2\/ann@two\.example","v":\{[^}]*"outcome":)"created"/g, '$1"existed"');
			return adopted;
		});
		expect(adopted).not.toBe(text);
		j.write("customers", ["external_id,name,slug", "d3,Keep,keep"]);
		j.write("contacts", ["customer_external_id,name,email"]);
		const dry = await j.run("--delete-missing", "--max-deletes", "5", "--dry-run");
		expect(dry.stdout).toContain(
			"Deleting 1 customer: contacts or onboardings others added under them drop out of Pivotal's lists with them.",
		);
		expect(dry.stdout).toContain("or with such a contact or onboarding under it: never deleted.");
	});
});

describe("a launch date is compared as its instant (finding W2)", () => {
	it("a new time of day is sent, the same instant in another offset is not, a day is its midnight", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,domain", "m1,Mu Time,mu.example"]);
		const onboardings = (launch: string, other: string) =>
			j.write("onboardings", [
				"customer_external_id,name,target_launch_date",
				`m1,Launch,${launch}`,
				`m1,Other,${other}`,
			]);
		onboardings("2026-03-15T10:00:00Z", "2026-03-15T23:30:00-05:00");
		expect((await j.run()).code).toBe(0);
		const launchDates = () =>
			Object.fromEntries(j.live("onboardings").map((o) => [o.name as string, o.target_launch_date]));
		expect(launchDates()).toEqual({ Launch: "2026-03-15T10:00:00.000Z", Other: "2026-03-16T04:30:00.000Z" });

		// Launch an hour later (it was planned unchanged: same first ten characters); Other
		// rewritten as the very same instant in UTC (it was planned an update).
		onboardings("2026-03-15T11:00:00Z", "2026-03-16T04:30:00Z");
		const patches = () =>
			Object.entries(j.sim.counters().byRoute)
				.filter(([route]) => route.startsWith("PATCH") && route.includes("onboardings"))
				.reduce((sum, [, n]) => sum + n, 0);
		const patchesBefore = patches();
		const sync = await j.run();
		expect(sync.code, sync.stdout + sync.stderr).toBe(0);
		expect(patches()).toBe(patchesBefore + 1);
		expect(launchDates()).toEqual({ Launch: "2026-03-15T11:00:00.000Z", Other: "2026-03-16T04:30:00.000Z" });

		// The day alone is its midnight: a change from 11:00, then nothing more to send.
		onboardings("2026-03-15", "2026-03-16T04:30:00Z");
		expect((await j.run()).code).toBe(0);
		expect(launchDates().Launch).toBe("2026-03-15T00:00:00.000Z");
		const again = await j.run("--dry-run");
		expect(again.stdout).not.toMatch(/onboardings\s.*update/);
		expect(patches()).toBe(patchesBefore + 2);
	});
});

describe("a slug another row of the file gives up in the same sync (finding W12)", () => {
	it("the new row is created, never failed slug_taken", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,slug,domain", "sw1,Tau Old,tau-w,tau.example"]);
		expect((await j.run()).code).toBe(0);
		j.write("customers", [
			"external_id,name,slug,domain",
			"sw1,Tau Old,tau-old-w,tau.example",
			"sw2,Tau New,tau-w,taunew.example",
		]);
		const sync = await j.run();
		expect(sync.code, sync.stdout + sync.stderr).toBe(0);
		expect(sync.stdout + sync.stderr).not.toContain("slug_taken");
		const slugs = () => Object.fromEntries(j.live("customers").map((c) => [c.name as string, c.slug]));
		expect(slugs()["Tau Old"]).toBe("tau-old-w");
		// Whichever way the race went, the new customer is in Pivotal with the file's slug or a suffixed one.
		expect(String(slugs()["Tau New"])).toMatch(/^tau-w/);
		expect(j.live("customers")).toHaveLength(2);
	});
});

describe("--only create reports the rows whose changes it left out (finding X5)", () => {
	it("not as gone from the file, as skipped in the results CSV, in the Markdown summary", async () => {
		const j = await job();
		j.write("customers", [
			"external_id,name,domain",
			"n1,November One,n1.example",
			"n2,November Two,n2.example",
		]);
		expect((await j.run()).code).toBe(0);
		j.write("customers", [
			"external_id,name,domain",
			"n1,November Uno,n1.example",
			"n2,November Two,n2.example",
		]);
		const results = join(j.dir, "results.csv");
		const summary = join(j.dir, "summary.md");
		const run = await j.run("--only", "create", "--results-csv", results, "--summary-md", summary);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).not.toContain("no longer in the file");
		const rows = readFileSync(results, "utf8").split("\r\n");
		expect(rows.find((r) => r.includes(",n1,"))).toMatch(/^customers,2,n1,skipped,/);
		expect(rows.find((r) => r.includes(",n2,"))).toMatch(/^customers,3,n2,unchanged,/);
		const markdown = readFileSync(summary, "utf8");
		expect(markdown).toContain("| pass | source | created | existed | updated | unchanged | skipped |");
		expect(markdown).toMatch(/\| customers \| 2 \| 0 \| 0 \| 0 \| 1 \| 1 \|/);
		expect(
			j
				.live("customers")
				.map((c) => c.name)
				.sort(),
		).toEqual(["November One", "November Two"]);
	});
});

describe("a contact's create refused email_taken when no contact of its customer holds the e-mail (finding X7)", () => {
	it("is sent again once in the same run, as a customer's slug is", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,domain", "p1,Papa,papa.example"]);
		expect((await j.run()).code).toBe(0);
		j.sim.pushFault({
			method: "POST",
			route: "/customers/:id/contacts",
			match: { email: "y@papa.example" },
			times: 1,
			status: 409,
			code: "email_taken",
		});
		j.write("contacts", ["customer_external_id,name,email,title", "p1,Yan,y@papa.example,CTO"]);
		const run = await j.run();
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout + run.stderr).toContain(
			'email "y@papa.example" was given up by the record that held it',
		);
		expect(j.live("contacts").map((c) => c.email)).toEqual(["y@papa.example"]);
	});
});

describe("two rows that swap their slugs (findings X3, W4)", () => {
	it("keep them, each with a warning, and fail nothing: the swap goes again with the next run", async () => {
		const j = await job();
		j.write("customers", [
			"external_id,name,slug,domain",
			"sa,Swap A,swap-a,a.example",
			"sb,Swap B,swap-b,b.example",
		]);
		expect((await j.run()).code).toBe(0);
		j.write("customers", [
			"external_id,name,slug,domain",
			"sa,Swap A,swap-b,a.example",
			"sb,Swap B,swap-a,b.example",
		]);
		const run = await j.run();
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout + run.stderr).toContain(
			'customers sa: slug "swap-b" is held by another customer; it keeps "swap-a"',
		);
		expect(run.stdout).not.toContain("not imported");
		expect(
			j
				.live("customers")
				.map((c) => c.slug)
				.sort(),
		).toEqual(["swap-a", "swap-b"]);
		expect((await j.run("--dry-run")).stdout).toMatch(/slug "swap-a" → "swap-b"/);
	}, 60_000);
});

describe("two rows that swap their slugs with other changes (finding Z4)", () => {
	it("send their other changes without the slug, which goes again with the next run", async () => {
		const j = await job();
		j.write("customers", ["external_id,name,slug,mrr", "s1,Alpha,sw4-alpha,100", "s2,Beta,sw4-beta,100"]);
		expect((await j.run()).code).toBe(0);
		j.write("customers", [
			"external_id,name,slug,mrr",
			"s1,Alpha Renamed,sw4-beta,999",
			"s2,Beta,sw4-alpha,100",
		]);
		const run = await j.run();
		expect(run.stdout + run.stderr).toContain(
			'customers s1: slug "sw4-beta" is held by another customer; its other changes are sent without it',
		);
		const byKey = Object.fromEntries(
			j.live("customers").map((c) => [(c.metadata as { external_id: string }).external_id, c]),
		);
		expect(byKey.s1).toMatchObject({ name: "Alpha Renamed", mrr: 999, slug: "sw4-alpha" });
		expect(byKey.s2).toMatchObject({ name: "Beta", slug: "sw4-beta" });
		// The slug is still the file's change: the next run plans it again.
		const dry = await j.run("--dry-run");
		expect(dry.stdout).toMatch(/slug "sw4-alpha" → "sw4-beta"/);
	}, 60_000);
});
