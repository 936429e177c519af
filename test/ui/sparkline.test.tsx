const SYNC_ZERO = { updated: 0, unchanged: 0, deleted: 0, restored: 0, gone: 0, notInFiles: 0 };

import { Box } from "ink";
import { render } from "ink-testing-library";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { ImportEvent } from "../../src/core/events.js";
import type { PaceCell } from "../../src/core/pace-history.js";
import type { ImportSummary } from "../../src/core/run-types.js";
import { Headroom } from "../../src/ui/components/Headroom.js";
import { Sparkline } from "../../src/ui/components/Sparkline.js";
import { liveCells, secondsPerColumn, sparkGlyphs } from "../../src/ui/model/sparkline.js";
import { SummaryScreen } from "../../src/ui/screens/SummaryScreen.js";
import { COLOR_SGR, snapshotOf, T0, withTheme } from "./helpers.js";

type Chalk = { level: 0 | 1 | 2 | 3 };
let chalk: Chalk;
beforeAll(async () => {
	chalk = (await import("chalk")).default as Chalk;
});

/** The frame without its SGR codes (bold and dim stay on without colour). */
const plainText = (frame: string | undefined) => (frame ?? "").replace(/\u001b\[[0-9;]*m/g, "");

const cell = (perSecond: number, over: Partial<PaceCell> = {}): PaceCell => ({
	perSecond,
	rateLimited: 0,
	isPaused: false,
	...over,
});

const started: ImportEvent = {
	type: "run-started",
	at: T0,
	runId: "r",
	resumed: false,
	checkpointPath: "/c.json",
	concurrency: 8,
	totals: { customers: 100, contacts: 0, onboardings: 0 },
};

/** A window of 100 per 10 s spent in bursts: 50 answers in each of two seconds, then nothing. */
function burstyRun(keyLabels: readonly string[] = []): ImportEvent[] {
	const events: ImportEvent[] = [started];
	for (const windowStart of [0, 10_000, 20_000]) {
		for (let i = 0; i < 100; i++) {
			const at = T0 + windowStart + i * 20;
			events.push({
				type: "response",
				at,
				status: 201,
				durationMs: 30,
				rateLimit: { limit: 100, remaining: 99 - i, resetAtMs: T0 + windowStart + 10_000 },
				windowMs: 10_004,
				windowSource: "learnt",
				...(keyLabels.length > 0 ? { keyLabel: keyLabels[i % keyLabels.length] } : {}),
			});
		}
	}
	return events;
}

describe("sparkGlyphs", () => {
	it("draws heights against the top, a gap where nothing went, ! for a 429 and ‖ for a pause", () => {
		const glyphs = sparkGlyphs(
			[cell(0), cell(1), cell(4), cell(8), cell(2, { rateLimited: 1 }), cell(0, { isPaused: true })],
			8,
		);
		expect(glyphs.map((g) => g.char).join("")).toBe(" ▁▄█!‖");
		expect(glyphs.map((g) => g.kind)).toEqual(["idle", "pace", "pace", "pace", "rate-limited", "paused"]);
	});

	it("spans minutes for a minute's window and seconds for a short one", () => {
		expect(secondsPerColumn(60_000)).toBe(3);
		expect(secondsPerColumn(10_004)).toBe(1);
		expect(secondsPerColumn(undefined)).toBe(3);
	});
});

describe("Sparkline", () => {
	it("renders the curve with its label and suffix, marks legible without colour", () => {
		const level = chalk.level;
		chalk.level = 3;
		onTestFinished(() => {
			chalk.level = level;
		});
		const cells = [cell(2), cell(8), cell(0), cell(3, { rateLimited: 2 }), cell(0, { isPaused: true })];
		const coloured = render(withTheme(<Sparkline cells={cells} suffix="12/s" />, true));
		expect(coloured.lastFrame()).toMatch(COLOR_SGR);
		coloured.unmount();
		const plain = render(withTheme(<Sparkline cells={cells} suffix="12/s" />, false));
		expect(plainText(plain.lastFrame())).toBe("pace ▂█ !‖ 12/s");
		plain.unmount();
	});
});

describe("Headroom with the pace curve", () => {
	const snapshot = snapshotOf(burstyRun());
	const now = T0 + 24_000;

	it("puts the curve beside the headroom at 120 columns and under it at 80, with the learnt window", () => {
		// The test terminal is 100 columns: a box of 120 stands for a wider one.
		const wide = render(
			withTheme(
				<Box width={120}>
					<Headroom snapshot={snapshot} now={now} width={120} />
				</Box>,
				false,
			),
		);
		const wideLines = plainText(wide.lastFrame()).split("\n");
		expect(wideLines).toHaveLength(1);
		expect(wideLines[0]).toMatch(
			/^headroom .* 0\/100 per 10s {2}reset 6s {2}429s 0 {2}conc 8 {2}pace .*█.* 750\/min$/,
		);
		expect(wideLines[0]!.length).toBeLessThanOrEqual(120);
		wide.unmount();

		const narrow = render(withTheme(<Headroom snapshot={snapshot} now={now} width={80} />, false));
		const lines = plainText(narrow.lastFrame()).split("\n");
		expect(lines).toHaveLength(2);
		expect(lines[0]).toContain("0/100 per 10s");
		// Each window spent in two seconds, then eight idle until it refills: 300 answers in the run's
		// first 24 s, 750 a minute.
		expect(lines[1]).toMatch(/^pace +██ {8}██ {8}██ +750\/min$/);
		expect(lines[1]!.length).toBeLessThanOrEqual(80);
		narrow.unmount();
	});

	it("draws one curve per key under the total where there is room", () => {
		const keyed = snapshotOf(burstyRun(["…0001", "…0002", "…0003"]));
		const { lastFrame, unmount } = render(
			withTheme(
				<Box width={120}>
					<Headroom snapshot={keyed} now={now} width={120} />
				</Box>,
				false,
			),
		);
		const lines = plainText(lastFrame()).split("\n");
		expect(lines).toHaveLength(4);
		expect(lines.slice(1).map((l) => l.slice(0, 5))).toEqual(["…0001", "…0002", "…0003"]);
		unmount();
	});

	it("groups seconds into columns so a live curve covers minutes", () => {
		const cells = liveCells(snapshot.pace, now, 10, 3);
		expect(cells).toHaveLength(10);
		expect(cells.reduce((n, c) => n + c.perSecond * 3, 0)).toBe(300);
	});
});

describe("SummaryScreen", () => {
	it("shows the whole run's curve", () => {
		const events = burstyRun();
		events.push({ type: "run-finished", at: T0 + 30_000, outcome: "completed" });
		const summary: ImportSummary = {
			outcome: "completed",
			run: 1,
			runId: "r",
			checkpointPath: "/c.json",
			passes: {
				customers: {
					total: 300,
					created: 300,
					existed: 0,
					failed: 0,
					blocked: 0,
					pending: 0,
					checkpointDone: 300,
					...SYNC_ZERO,
				},
				contacts: {
					total: 0,
					created: 0,
					existed: 0,
					failed: 0,
					blocked: 0,
					pending: 0,
					checkpointDone: 0,
					...SYNC_ZERO,
				},
				onboardings: {
					total: 0,
					created: 0,
					existed: 0,
					failed: 0,
					blocked: 0,
					pending: 0,
					checkpointDone: 0,
					...SYNC_ZERO,
				},
			},
			failuresByCode: {},
			requests: 300,
			rateLimited: 0,
			retries: 0,
			elapsedMs: 30_000,
		};
		const { lastFrame, unmount } = render(
			withTheme(
				<SummaryScreen
					summary={summary}
					snapshot={snapshotOf(events)}
					onFailures={() => {}}
					onQuit={() => {}}
				/>,
				false,
			),
		);
		expect(plainText(lastFrame())).toMatch(/run pace ██ {8}██ {8}██ .*peak 50\/s/);
		unmount();
	});
});
