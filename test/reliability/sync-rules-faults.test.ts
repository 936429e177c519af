/**
 * The fault matrix's rows for the sync rules: `--delete-missing` and `--keep-pivotal-edits` under
 * 5xx before and after the work, connection resets, and SIGKILL of the binary mid-run then the same
 * command again. Whatever happens: nothing made twice, nothing deleted that should stay, every
 * record that should go gone, no field edited in Pivotal overwritten, every other change made.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { SourceFiles } from "../../src/core/run-types.js";
import type { ScriptedFault, Simulator } from "../../src/sim/index.js";
import { runCli, startCli } from "../support/cli.js";
import { mulberry32 } from "../support/generate.js";
import { TEST_KEY } from "../support/import-harness.js";
import { recordRow, runUntilComplete, start } from "./support.js";
import { printRulesMatrix, recordRulesRow, type Scenario, scenario, verdict } from "./sync-rules-support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(printRulesMatrix);

const KINDS: readonly Omit<ScriptedFault, "method" | "route" | "times">[] = [
	{ kind: "error", when: "before", status: 503, code: "service_unavailable" },
	{ kind: "error", when: "after", status: 500 },
	{ kind: "reset", when: "before" },
	{ kind: "reset", when: "after" },
];

const RULES = { deleteMissing: true, maxDeletes: 100, keepPivotalEdits: true } as const;

async function importedInProcess(sim: Simulator, files: SourceFiles): Promise<void> {
	const summary = await start(sim, files).finish();
	if (summary.outcome !== "completed") throw new Error(`first import: ${summary.outcome}`);
}

async function prepared(customers: number, removed: number, sim = {}): Promise<Scenario> {
	const s = await scenario({ customers, adopted: 6, removed, sim, importFirst: importedInProcess });
	sims.push(s.sim);
	return s;
}

const scripted = (sim: Simulator) => sim.counters().faultsInjected.scripted ?? 0;
const deleteCount = (sim: Simulator, since: Record<string, number>) =>
	Object.entries(sim.counters().byRoute)
		.filter(([route]) => route.startsWith("DELETE") && route.endsWith(" 200"))
		.reduce((n, [route, k]) => n + k - (since[route] ?? 0), 0);

function check(name: string, s: Scenario, runs: number, faults: number, deletes: number) {
	const v = verdict(s);
	const editedFields = [...s.edited.values()].reduce((n, f) => n + Object.keys(f).length, 0);
	recordRulesRow({ case: name, runs, faults, deletes, kept: editedFields - v.clobbered, ...v });
	// The shared matrix too: a record deleted that should have stayed is a record lost.
	recordRow({
		case: `sync rules, ${name}`,
		runs,
		records: s.expected.size,
		duplicates: v.duplicates,
		lost: v.wronglyDeleted,
	});
	expect(v.wrong).toEqual([]);
	expect(v).toMatchObject({ duplicates: 0, wronglyDeleted: 0, notDeleted: 0, clobbered: 0 });
}

describe("sync rules under faults", { timeout: 120_000 }, () => {
	it("--delete-missing: 5xx and resets before and after each DELETE route's work", async () => {
		const s = await prepared(60, 6);
		const before = { ...s.sim.counters().byRoute };
		for (const route of ["/customers/:id", "/contacts/:id"])
			for (const kind of KINDS) s.sim.pushFault({ method: "DELETE", route, times: 2, ...kind });
		const { summary, runs } = await runUntilComplete(s.sim, s.files, { plan: { rules: RULES } });
		expect(summary.outcome).toBe("completed");
		expect(summary.passes.customers.deleted).toBe(6);
		expect(summary.passes.contacts.deleted).toBe(6);
		expect(scripted(s.sim)).toBe(16);
		check(
			"--delete-missing: DELETE 5xx/resets before+after",
			s,
			runs,
			scripted(s.sim),
			deleteCount(s.sim, before),
		);
	});

	it("--keep-pivotal-edits: 5xx and resets before and after the read and the PATCH", async () => {
		const s = await prepared(60, 3);
		const before = { ...s.sim.counters().byRoute };
		for (const method of ["GET", "PATCH"] as const)
			for (const kind of KINDS) s.sim.pushFault({ method, route: "/customers/:id", times: 2, ...kind });
		const { summary, runs } = await runUntilComplete(s.sim, s.files, { plan: { rules: RULES } });
		expect(summary.outcome).toBe("completed");
		expect(scripted(s.sim)).toBe(16);
		check(
			"--keep-pivotal-edits: GET+PATCH 5xx/resets before+after",
			s,
			runs,
			scripted(s.sim),
			deleteCount(s.sim, before),
		);
	});

	it("both rules, the binary killed (SIGKILL) at random moments, then the same command again until it finishes", async () => {
		const s = await prepared(150, 15, { latency: { minMs: 5, maxMs: 15 } });
		const before = { ...s.sim.counters().byRoute };
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: s.sim.baseUrl };
		const args = [
			"import",
			s.files.customers,
			"--contacts",
			s.files.contacts ?? "",
			"--headless",
			"--yes",
			"--concurrency",
			"4",
			"--delete-missing",
			"--max-deletes",
			"100",
			"--keep-pivotal-edits",
		];
		const responses = () => Object.values(s.sim.counters().byRoute).reduce((n, k) => n + k, 0);
		const random = mulberry32(17);
		let runs = 0;
		let kills = 0;
		for (;;) {
			runs += 1;
			if (runs > 30) throw new Error("the sync did not finish in 30 runs");
			const atStart = responses();
			// Killed after a random number of answers; the later runs are let finish.
			if (kills < 6) {
				const { child, result } = startCli(args, { env });
				// Every other kill lands among the DELETEs, the others anywhere (mostly reads and PATCHes).
				const isAmongDeletes = kills % 2 === 1;
				const deletesAtStart = deleteCount(s.sim, {});
				const after = isAmongDeletes ? 1 + Math.floor(random() * 8) : 4 + Math.floor(random() * 25);
				const poll = setInterval(() => {
					const seen = isAmongDeletes ? deleteCount(s.sim, {}) - deletesAtStart : responses() - atStart;
					if (seen >= after) child.kill("SIGKILL");
				}, 2);
				const ended = await result;
				clearInterval(poll);
				if (ended.signal === "SIGKILL") {
					kills += 1;
					continue;
				}
				expect(ended.code, ended.stderr).toBe(0);
				break;
			}
			const ended = await runCli(args, { env });
			expect(ended.code, ended.stderr).toBe(0);
			break;
		}
		expect(kills).toBeGreaterThan(2);
		check(`both rules: SIGKILL ×${kills} mid-run, then resumed`, s, runs, kills, deleteCount(s.sim, before));
	});
});
