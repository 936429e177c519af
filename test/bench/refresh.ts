/**
 * Row f: a periodic refresh, as the API guide's third job. The built command imports 5,000
 * customers headless; 1 % of the rows then change as a newer export would have them (names and
 * statuses); the same command runs again. What the refresh costs: requests sent per record
 * changed (a sync sends one PATCH per changed record and nothing for the rest), and its wall
 * time against the first import's. Each round starts from an empty simulator and a fresh folder.
 */

import { spawn } from "node:child_process";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { SimCounters } from "../../src/sim/index.js";
import { generateDataset } from "../support/generate.js";
import { KEYS } from "./common.js";
import { formatSpread, spread } from "./paired.js";
import { BIN, type SimProcess, spawnSim } from "./sim-process.js";
import type { RowReport, TableLine } from "./table.js";

const CUSTOMERS = 5_000;
/** One row in this many changes: 1 %. */
const CHANGE_EVERY = 100;
const ROUNDS = 5;
const WARMUPS = 1;
const MAX_REQUESTS_PER_CHANGE = 1.01;
const WINDOW_SECONDS = 2;
/** A limit no import of this size reaches, over a short window: the run is never paced. */
const SIM_FLAGS = ["--rate-limit", "1000000", "--window", String(WINDOW_SECONDS)] as const;

interface CliRun {
	readonly code: number | null;
	readonly ms: number;
	readonly stderr: string;
}

/** `pivotal-tui import customers.csv` headless, timed from spawn to exit. */
function importCommand(sim: SimProcess, customers: string): Promise<CliRun> {
	const args = [BIN, "import", customers, "--headless", "--yes", "--window", String(WINDOW_SECONDS)];
	const env = { ...process.env, PIVOTAL_API_KEY: KEYS.ours, PIVOTAL_API_URL: sim.baseUrl, NO_COLOR: "1" };
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env });
		let stderr = "";
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		child.on("error", reject);
		child.on("close", (code) => resolve({ code, ms: performance.now() - started, stderr }));
	});
}

interface Change {
	readonly name: string;
	readonly status: string;
}

function csvCell(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Rewrites `file` as a newer export: every `CHANGE_EVERY`-th customer renamed or moved to another
 * status, alternately. Returns what the changed customers should read in Pivotal afterwards.
 */
async function changeOnePercent(file: string): Promise<Map<string, Change>> {
	const rows = parse(await readFile(file, "utf8")) as string[][];
	const header = rows[0] ?? [];
	const column = (name: string) => {
		const index = header.indexOf(name);
		if (index < 0) throw new Error(`row f: the generated customers file has no ${name} column`);
		return index;
	};
	const [id, name, status] = [column("external_id"), column("name"), column("status")];
	const changes = new Map<string, Change>();
	for (let i = CHANGE_EVERY / 2; i <= CUSTOMERS; i += CHANGE_EVERY) {
		const cells = rows[i];
		if (!cells) break;
		if (changes.size % 2 === 0) cells[name] = `${cells[name]} (renamed)`;
		else cells[status] = cells[status] === "active" ? "at_risk" : "active";
		changes.set(cells[id] ?? "", { name: cells[name] ?? "", status: cells[status] ?? "" });
	}
	await writeFile(file, rows.map((cells) => `${cells.map(csvCell).join(",")}\n`).join(""));
	return changes;
}

/** Changed customers whose name or status in the simulator differs from the file. */
async function stale(sim: SimProcess, changes: ReadonlyMap<string, Change>): Promise<number> {
	const response = await fetch(`${sim.origin}/_admin/state`);
	const state = (await response.json()) as {
		customers: { name: string; status: string; deleted: boolean; metadata: { external_id?: string } }[];
	};
	let count = changes.size;
	for (const customer of state.customers) {
		const expected = customer.deleted ? undefined : changes.get(customer.metadata.external_id ?? "");
		if (expected && customer.name === expected.name && customer.status === expected.status) count -= 1;
	}
	return count;
}

/** Requests per `"METHOD /route STATUS"` between two readings of the counters. */
function routesBetween(before: SimCounters, after: SimCounters): Map<string, number> {
	const routes = new Map<string, number>();
	for (const [route, n] of Object.entries(after.byRoute)) {
		const sent = n - (before.byRoute[route] ?? 0);
		if (sent > 0) routes.set(route, sent);
	}
	return routes;
}

type Round =
	| {
			readonly kind: "synced";
			readonly importMs: number;
			readonly refreshMs: number;
			readonly routes: Map<string, number>;
			readonly stale: number;
	  }
	| { readonly kind: "refused"; readonly code: number | null; readonly message: string };

async function round(sim: SimProcess, source: string, dir: string): Promise<Round> {
	await mkdir(dir, { recursive: true });
	const customers = join(dir, "customers.csv");
	await copyFile(source, customers);
	await sim.reset();
	const first = await importCommand(sim, customers);
	const imported = await sim.counters();
	if (first.code !== 0 || imported.created.customers !== CUSTOMERS) {
		throw new Error(
			`row f: the first import exited ${first.code} with ${imported.created.customers} of ${CUSTOMERS} created: ${first.stderr.slice(-500)}`,
		);
	}
	const changes = await changeOnePercent(customers);
	const refresh = await importCommand(sim, customers);
	if (refresh.code !== 0) {
		// The folder is a temporary one: name the file as the user would see it beside their CSV.
		const message = (refresh.stderr.trim().split("\n").at(-1) ?? "").replaceAll(`${dir}/`, "");
		return { kind: "refused", code: refresh.code, message };
	}
	return {
		kind: "synced",
		importMs: first.ms,
		refreshMs: refresh.ms,
		routes: routesBetween(imported, await sim.counters()),
		stale: await stale(sim, changes),
	};
}

const CHANGED = Math.floor(CUSTOMERS / CHANGE_EVERY);
const MEASURED = `refresh of ${CUSTOMERS / 1000}k customers, 1 % changed`;

function refusedReport(code: number | null, message: string): RowReport {
	return {
		lines: [
			{
				row: "f",
				measured: `${MEASURED}: requests ÷ records changed (GET /me aside)`,
				figure: `refused (exit ${code})`,
				target: `≤ ${MAX_REQUESTS_PER_CHANGE}`,
				isPass: false,
			},
			{
				row: "f",
				measured: `${MEASURED}: wall time ÷ first import's`,
				figure: `refused (exit ${code})`,
				target: "—",
				isPass: undefined,
			},
		],
		notes: [
			`f: the second run of the same command over the changed file refused it (exit ${code}): "${message}". The row measures once re-running an import syncs.`,
		],
	};
}

export async function refreshRow(tmp: string): Promise<RowReport> {
	const { customers: source } = await generateDataset({
		dir: join(tmp, "f"),
		customers: CUSTOMERS,
		contactsPerCustomer: 0,
		onboardingsPerCustomer: 0,
		seed: 9,
	});
	const sim = await spawnSim(SIM_FLAGS);
	const rounds: Extract<Round, { kind: "synced" }>[] = [];
	try {
		for (let i = 0; i < WARMUPS + ROUNDS; i++) {
			const result = await round(sim, source, join(tmp, "f", `round-${i}`));
			// Nothing to time while the refresh is refused: one round says so.
			if (result.kind === "refused") return refusedReport(result.code, result.message);
			if (i >= WARMUPS) rounds.push(result);
		}
	} finally {
		await sim.close();
	}
	const isMe = (route: string) => route.startsWith("GET /me ");
	const sent = (r: (typeof rounds)[number], keep: (route: string) => boolean) =>
		[...r.routes].filter(([route]) => keep(route)).reduce((n, [, count]) => n + count, 0);
	const perChange = spread(rounds.map((r) => sent(r, (route) => !isMe(route)) / CHANGED));
	const wall = spread(rounds.map((r) => r.refreshMs / r.importMs));
	const staleMost = Math.max(...rounds.map((r) => r.stale));
	const median = (values: readonly number[]) => spread(values).median;
	const routes = [...(rounds.at(-1)?.routes ?? [])].map(([route, n]) => `${n} × ${route}`).join(", ");
	const lines: TableLine[] = [
		{
			row: "f",
			measured: `${MEASURED}: requests ÷ records changed (GET /me aside)`,
			figure: `${formatSpread(perChange, 2)}${staleMost > 0 ? `; ${staleMost} of ${CHANGED} changes not in Pivotal` : ""}`,
			target: `≤ ${MAX_REQUESTS_PER_CHANGE}`,
			isPass: perChange.median <= MAX_REQUESTS_PER_CHANGE && staleMost === 0,
		},
		{
			row: "f",
			measured: `${MEASURED}: wall time ÷ first import's`,
			figure: `${formatSpread(wall, 2)}; ${(median(rounds.map((r) => r.refreshMs)) / 1000).toFixed(2)} ÷ ${(median(rounds.map((r) => r.importMs)) / 1000).toFixed(2)} s`,
			target: "—",
			isPass: undefined,
		},
	];
	return {
		lines,
		notes: [
			`f: \`pivotal-tui import customers.csv --headless --yes\` (the built binary) against the simulator in its own process (limit 10^6 per ${WINDOW_SECONDS} s window, never reached), then ${CHANGED} of the ${CUSTOMERS} rows changed in the file (every ${CHANGE_EVERY}th: names and statuses, alternately) and the same command again. Requests counted by the simulator by route; each run timed from spawn to exit (Node's start-up and validation included on both sides). ${ROUNDS} rounds after ${WARMUPS} uncounted warm-up round, each from an empty simulator and a fresh folder; figure = median of the per-round ratios (min–max). The refresh's requests in the last round: ${routes || "none"}. Every change checked in the simulator afterwards: ${staleMost === 0 ? "all there" : `${staleMost} missing in the worst round`}.`,
		],
	};
}
