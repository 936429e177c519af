/**
 * `npm run bench`: measures the issue's rows side by side in one run and prints one table of
 * ratios with each target beside its figure. A script, not a test: nothing here is asserted.
 * Rows b, c and e are paired (paired.ts): at least five rounds, each running both sides back to
 * back, and the figure is the median of the per-round ratios with min–max beside it.
 *
 *   node dist/test/bench/run.js          every row but a60 (the 60 s window, five minutes)
 *   node dist/test/bench/run.js a c      only rows a and c
 *
 * Exits 0 whatever the figures (SHORT rows are findings); 2 for an unknown row.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointRow } from "./checkpoint-scaling.js";
import { keyPoolRow } from "./key-pool.js";
import { overheadRow } from "./overhead.js";
import { pacingRow } from "./pacing.js";
import { untoldMinuteRow } from "./pacing-untold.js";
import { parseRow } from "./parse-memory.js";
import { refreshRow } from "./refresh.js";
import { startupRow } from "./startup.js";
import { stateStoresRow } from "./state-stores.js";
import { cpuStallMicros, formatTable, machineLine, type RowReport, type TableLine } from "./table.js";
import { tuiRow } from "./tui-cost.js";

const ROWS: Record<string, { readonly title: string; readonly run: (tmp: string) => Promise<RowReport> }> = {
	a: { title: "pacing", run: pacingRow },
	a60: { title: "pacing, 60 s window not told (about five minutes)", run: untoldMinuteRow },
	b: { title: "engine overhead", run: overheadRow },
	c: { title: "checkpoint scaling", run: checkpointRow },
	d: { title: "memory and parse speed", run: parseRow },
	e: { title: "TUI cost", run: tuiRow },
	f: { title: "refresh of 1 % changed", run: refreshRow },
	g: { title: "several keys", run: keyPoolRow },
	h: { title: "start-up", run: startupRow },
	i: { title: "state stores at scale", run: stateStoresRow },
};

async function main(argv: readonly string[]): Promise<number> {
	const unknown = argv.filter((r) => !(r in ROWS));
	if (unknown.length > 0) {
		process.stderr.write(`Unknown row ${unknown.join(", ")}; the rows are ${Object.keys(ROWS).join(" ")}.\n`);
		return 2;
	}
	const selected =
		argv.length > 0 ? [...new Set(argv)].sort() : Object.keys(ROWS).filter((row) => row !== "a60");
	const tmp = mkdtempSync(join(tmpdir(), "pivotal-bench-"));
	const lines: TableLine[] = [];
	const notes: string[] = [];
	const started = performance.now();
	const stallBefore = cpuStallMicros();
	try {
		for (const row of selected) {
			const spec = ROWS[row]!;
			const rowStarted = performance.now();
			process.stderr.write(`row ${row} (${spec.title})…\n`);
			const report = await spec.run(tmp);
			lines.push(...report.lines);
			notes.push(...report.notes);
			process.stderr.write(`row ${row} took ${((performance.now() - rowStarted) / 1000).toFixed(1)} s\n`);
		}
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
	const elapsedMs = performance.now() - started;
	const stallAfter = cpuStallMicros();
	process.stdout.write(`Machine: ${machineLine()}\n`);
	if (stallBefore !== undefined && stallAfter !== undefined) {
		const share = (stallAfter - stallBefore) / 1000 / elapsedMs;
		process.stdout.write(
			`CPU pressure: some runnable task waited for a core ${(share * 100).toFixed(0)} % of the run (Linux PSI, the bench's own processes included)\n`,
		);
	}
	process.stdout.write(
		`Command: node dist/test/bench/run.js${argv.length > 0 ? ` ${selected.join(" ")}` : ""}\n\n`,
	);
	process.stdout.write(`${formatTable(lines)}\n\n`);
	process.stdout.write("Paired figures read median (min–max) of the per-round ratios.\n\n");
	for (const note of notes) process.stdout.write(`- ${note}\n`);
	process.stdout.write(`\nTotal ${(elapsedMs / 1000).toFixed(0)} s.\n`);
	// A row short of its target is a finding for the table, not a failure of the script.
	return 0;
}

process.exitCode = await main(process.argv.slice(2));
