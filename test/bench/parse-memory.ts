/**
 * Row d: `--dry-run` of the built command over a million-row customers file. Peak RSS of the
 * whole process, and rows/s against a bare csv-parse loop over the same file in a child process
 * too (both timed from spawn to exit, so both pay Node's start-up). Measured three ways: our
 * headers, CRM headers read through a map, and the file in Windows-1252 with `--encoding`.
 */

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDataset } from "../support/generate.js";
import { mappedVariant, type Variant, windows1252Variant } from "./parse-variants.js";
import { BIN } from "./sim-process.js";
import { fixed, type RowReport } from "./table.js";

const ROWS = 1_000_000;
const MAX_RSS_MB = 300;
const MIN_RATIO = 0.5;
const ROUNDS = 2;
const TIME = "/usr/bin/time";
const BARE = fileURLToPath(new URL("./csv-parse-child.js", import.meta.url));

interface Measured {
	readonly ms: number;
	/** User + system CPU seconds from GNU time (undefined without it): steadier than wall time on a busy machine. */
	readonly cpuS: number | undefined;
	readonly peakRssMb: number;
	readonly stdout: string;
}

/** Runs `node args…`, timing it and taking its peak RSS from GNU time, or /proc when time is missing. */
function measure(args: readonly string[]): Promise<Measured> {
	const hasTime = existsSync(TIME);
	const command = hasTime ? TIME : process.execPath;
	const argv = hasTime ? ["-v", process.execPath, ...args] : [...args];
	const env = { ...process.env };
	delete env.PIVOTAL_API_KEY;
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"], env });
		let stdout = "";
		let stderr = "";
		let polledKb = 0;
		child.stdout.on("data", (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		const poll = hasTime
			? undefined
			: setInterval(() => {
					try {
						const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
						polledKb = Math.max(polledKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
					} catch {
						// Gone already.
					}
				}, 20);
		child.on("error", reject);
		child.on("close", (code) => {
			const ms = performance.now() - started;
			if (poll) clearInterval(poll);
			if (code !== 0) return reject(new Error(`${args.join(" ")} exited ${code}: ${stderr.slice(-500)}`));
			const kb = hasTime
				? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0)
				: polledKb;
			const user = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? Number.NaN);
			const system = Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? Number.NaN);
			const cpuS = hasTime && Number.isFinite(user + system) ? user + system : undefined;
			resolve({ ms, cpuS, peakRssMb: kb / 1024, stdout });
		});
	});
}

interface VariantResult {
	readonly variant: Variant;
	readonly dry: Measured;
	readonly bare: Measured;
}

/** Best of `ROUNDS` alternating runs of the dry run and the bare loop over one file. */
async function measureVariant(variant: Variant): Promise<VariantResult> {
	let dry: Measured | undefined;
	let bare: Measured | undefined;
	for (let round = 0; round < ROUNDS; round++) {
		const d = await measure([BIN, "import", variant.file, ...variant.args, "--dry-run"]);
		if (!/every row is valid/.test(d.stdout))
			throw new Error(`row d (${variant.label}): unexpected dry-run output: ${d.stdout}`);
		const b = await measure([BARE, variant.file]);
		const rows = (JSON.parse(b.stdout) as { rows: number }).rows;
		if (rows !== ROWS + 1) throw new Error(`row d: the bare loop read ${rows} records`);
		if (!dry || d.ms < dry.ms) dry = { ...d, peakRssMb: Math.max(d.peakRssMb, dry?.peakRssMb ?? 0) };
		else dry = { ...dry, peakRssMb: Math.max(d.peakRssMb, dry.peakRssMb) };
		if (!bare || b.ms < bare.ms) bare = b;
	}
	if (!dry || !bare) throw new Error("row d: nothing measured");
	return { variant, dry, bare };
}

function linesOf({ variant, dry, bare }: VariantResult): RowReport["lines"] {
	const dryRate = ROWS / (dry.ms / 1000);
	const bareRate = ROWS / (bare.ms / 1000);
	const ratio = dryRate / bareRate;
	const how = variant.label === "" ? "" : ` ${variant.label}`;
	return [
		{
			row: "d",
			measured: `--dry-run${how} peak RSS, ${ROWS / 1e6}M customers`,
			figure: `${dry.peakRssMb.toFixed(0)} MB`,
			target: `≤ ${MAX_RSS_MB} MB`,
			isPass: dry.peakRssMb <= MAX_RSS_MB,
		},
		{
			row: "d",
			measured: `--dry-run${how} rows/s ÷ bare csv-parse loop`,
			figure: `${fixed(ratio, 2)} (${(dryRate / 1000).toFixed(0)}k ÷ ${(bareRate / 1000).toFixed(0)}k/s)`,
			target: `≥ ${MIN_RATIO}`,
			isPass: ratio >= MIN_RATIO,
		},
		...(dry.cpuS === undefined || bare.cpuS === undefined
			? []
			: [
					{
						row: "d",
						measured: `--dry-run${how} rows per CPU-second ÷ bare`,
						figure: `${fixed(bare.cpuS / dry.cpuS, 2)} (${dry.cpuS.toFixed(1)} ÷ ${bare.cpuS.toFixed(1)} CPU s)`,
						target: "—",
						isPass: undefined,
					},
				]),
	];
}

export async function parseRow(tmp: string): Promise<RowReport> {
	const dir = join(tmp, "d");
	const { customers } = await generateDataset({
		dir,
		customers: ROWS,
		contactsPerCustomer: 0,
		onboardingsPerCustomer: 0,
		seed: 3,
	});
	const size = (await stat(customers)).size;
	const variants: Variant[] = [
		{ label: "", file: customers, args: [] },
		await mappedVariant(customers, dir),
		await windows1252Variant(customers, dir),
	];
	const results: VariantResult[] = [];
	for (const variant of variants) results.push(await measureVariant(variant));
	const plain = results[0]!;
	return {
		lines: results.flatMap(linesOf),
		notes: [
			`d: ${ROWS} rows, ${(size / 1e6).toFixed(0)} MB; \`node bin/pivotal-tui.js import FILE --dry-run\` (validation: parse, UTF-8 check, SHA-256, schema, unique ids) against a child running csv-parse with its defaults over the same file, drained with read(); both timed from spawn to exit, best of ${ROUNDS} alternating; peak RSS from ${existsSync(TIME) ? "/usr/bin/time -v (max of the runs)" : "/proc VmHWM"}; the bare loop peaked at ${plain.bare.peakRssMb.toFixed(0)} MB.`,
			"d rows per CPU-second: the same runs' user + system time (the best wall-clock run of each side), shown because it moves less than wall time when other work shares the cores.",
			"d with a map: the same rows under CRM headers (Record ID, Company name, …), every column mapped and each status found through the map's values table; d --encoding windows-1252: the same rows re-encoded, decoded by iconv-lite instead of read as UTF-8.",
		],
	};
}
