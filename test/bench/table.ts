import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** One line of the results table. */
export interface TableLine {
	/** The row letter, e.g. `a`. */
	readonly row: string;
	/** What was measured, in a few words. */
	readonly measured: string;
	/** The figure, formatted. */
	readonly figure: string;
	/** The target, formatted; `—` for a line that is shown for comparison only. */
	readonly target: string;
	/** Whether the figure meets the target; undefined for comparison-only lines. */
	readonly isPass: boolean | undefined;
}

/** What one row's module hands back: its lines and the notes that define them. */
export interface RowReport {
	readonly lines: readonly TableLine[];
	readonly notes: readonly string[];
}

/** The machine the table was measured on, as one line. */
export function machineLine(): string {
	let model: string | undefined;
	try {
		const info = readFileSync("/proc/cpuinfo", "utf8");
		model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim();
	} catch {
		// Not Linux: os.cpus() still names the model.
	}
	const cores = cpus();
	return `${model ?? cores[0]?.model ?? "unknown CPU"}, ${cores.length} cores, Node ${process.version}, ${process.platform} ${process.arch}`;
}

/**
 * Microseconds, since boot, that some runnable task waited for a core (Linux's pressure stall
 * information); undefined where the kernel does not expose it. Two readings around a run say
 * how much neighbours competed for the CPU while it was measured.
 */
export function cpuStallMicros(): number | undefined {
	try {
		const total = /^some .*total=(\d+)/m.exec(readFileSync("/proc/pressure/cpu", "utf8"))?.[1];
		return total === undefined ? undefined : Number(total);
	} catch {
		return undefined;
	}
}

/** A Markdown table, so the lead can paste it into the README as it is. */
export function formatTable(lines: readonly TableLine[]): string {
	const head = ["row", "measured", "figure", "target", "result"];
	const body = lines.map((l) => [
		l.row,
		l.measured,
		l.figure,
		l.target,
		l.isPass === undefined ? "—" : l.isPass ? "pass" : "SHORT",
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)));
	const render = (cells: readonly string[]) =>
		`| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
	return [render(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(render)].join(
		"\n",
	);
}

/** `1.234` with a fixed number of decimals. */
export function fixed(value: number, digits = 3): string {
	return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}
