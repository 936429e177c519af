import type { ReactElement } from "react";
import { expect } from "vitest";
import type { ImportEvent } from "../../src/core/events.js";
import { emptyPassTally } from "../../src/core/events.js";
import { initialSnapshot, type ProgressSnapshot, reduceProgress } from "../../src/core/progress.js";
import { ThemeContext } from "../../src/ui/hooks/use-theme.js";
import { createTheme } from "../../src/ui/model/theme.js";

export const T0 = 1_800_000_000_000;

/** A snapshot built the way the engine builds it: events through the pure reducer. */
export function snapshotOf(events: readonly ImportEvent[]): ProgressSnapshot {
	return events.reduce(reduceProgress, initialSnapshot(T0));
}

/** A run mid-way: customers finished, contacts running, one request waiting on a 429. */
export function midRunEvents(): ImportEvent[] {
	const events: ImportEvent[] = [
		{
			type: "run-started",
			at: T0,
			runId: "run123",
			resumed: false,
			checkpointPath: "/data/customers.csv.checkpoint.json",
			concurrency: 4,
			totals: { customers: 5, contacts: 10, onboardings: 5 },
		},
		{
			type: "pass-started",
			at: T0,
			pass: "customers",
			total: 5,
			already: { ...emptyPassTally(), created: 0, existed: 0, failed: 0, blocked: 0 },
		},
	];
	for (let i = 1; i <= 5; i++) {
		events.push({
			type: "request-started",
			at: T0 + i,
			pass: "customers",
			key: `c${i}`,
			line: i + 1,
			attempt: 1,
		});
		events.push({
			type: "response",
			at: T0 + i * 10,
			status: i === 3 ? 400 : 201,
			durationMs: 40,
			rateLimit: { limit: 600, remaining: 600 - i, resetAtMs: T0 + 30_000 },
		});
		events.push(
			i === 3
				? {
						type: "record-failed",
						at: T0 + i * 10,
						pass: "customers",
						key: `c${i}`,
						line: i + 1,
						status: 400,
						code: "invalid_domain",
						message: "domain is blocked",
						attempts: 1,
					}
				: i === 4
					? {
							type: "record-done",
							at: T0 + i * 10,
							pass: "customers",
							key: `c${i}`,
							outcome: "existed",
							id: `id${i}`,
							attempts: 1,
						}
					: {
							type: "record-done",
							at: T0 + i * 10,
							pass: "customers",
							key: `c${i}`,
							outcome: "created",
							id: `id${i}`,
							attempts: 1,
						},
		);
	}
	events.push(
		{ type: "pass-finished", at: T0 + 100, pass: "customers" },
		{
			type: "pass-started",
			at: T0 + 100,
			pass: "contacts",
			total: 10,
			already: { ...emptyPassTally(), created: 0, existed: 0, failed: 0, blocked: 2 },
		},
		{ type: "request-started", at: T0 + 200, pass: "contacts", key: "c1/ann@x.test", line: 2, attempt: 1 },
		{ type: "request-started", at: T0 + 200, pass: "contacts", key: "c2/bob@x.test", line: 3, attempt: 1 },
		{
			type: "request-waiting",
			at: T0 + 1_000,
			pass: "contacts",
			key: "c2/bob@x.test",
			attempt: 2,
			reason: "retry-after",
			untilMs: T0 + 6_000,
			cause: "429",
		},
		{ type: "rate-limited", at: T0 + 1_000, untilMs: T0 + 6_000 },
		{
			type: "notice",
			at: T0 + 1_000,
			level: "warn",
			message: "Rate limited: waiting 5 s as the server asked.",
		},
	);
	return events;
}

export function withTheme(node: ReactElement, isColor = true): ReactElement {
	return <ThemeContext.Provider value={createTheme(isColor)}>{node}</ThemeContext.Provider>;
}

/** Polls until `check` passes (frames arrive asynchronously). */
export async function waitFor(check: () => void, timeoutMs = 4_000, stepMs = 20): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			check();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((r) => setTimeout(r, stepMs));
		}
	}
}

/** Lets React run the effects that register `useInput` handlers before a test types. */
export function settle(ms = 60): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

/**
 * Presses `key` until the frame stops showing `screen` (bounded): on a loaded machine a screen
 * can draw before its input handler holds the value just typed, and the first press is lost.
 */
export async function pressUntilGone(
	app: { lastFrame: () => string | undefined; stdin: { write: (data: string) => void } },
	screen: string,
	key = "\r",
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while ((app.lastFrame() ?? "").includes(screen)) {
		if (Date.now() > deadline) throw new Error(`still on "${screen}" after pressing ${JSON.stringify(key)}`);
		await settle(100);
		app.stdin.write(key);
		await settle(400);
	}
}

/**
 * Presses `key` until the frame shows `text` (bounded), for a key whose effect is a message that
 * pressing again does not change: the first press can arrive before the handler holds the value.
 */
export async function pressUntilShown(
	app: { lastFrame: () => string | undefined; stdin: { write: (data: string) => void } },
	text: string,
	key = "\r",
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(app.lastFrame() ?? "").includes(text)) {
		if (Date.now() > deadline) throw new Error(`"${text}" not shown after pressing ${JSON.stringify(key)}`);
		await settle(100);
		app.stdin.write(key);
		await settle(400);
	}
}

/** SGR colour codes (foreground/background), not bold or dim. */
export const COLOR_SGR = /\u001b\[(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m/;

/**
 * Through the wizard from its first screen to a started run: the folder's customers file, then
 * what the contacts and onboardings steps highlight (with `isEachFileShown`, once each step shows
 * the folder's `contacts.csv` and `onboardings.csv` highlighted), the key shown as `keyShown`, the
 * plan started.
 */
export async function startWizardRun(
	app: { readonly lastFrame: () => string | undefined; readonly stdin: { write: (data: string) => void } },
	keyShown: string,
	isEachFileShown = false,
): Promise<void> {
	for (const [screen, keys] of [
		[/customers file[\s\S]*❯ customers\.csv/, "\r"],
		[
			isEachFileShown ? /contacts file \(optional\)[\s\S]*❯ contacts\.csv/ : /contacts file \(optional\)/,
			"\r",
		],
		[
			isEachFileShown
				? /onboardings file \(optional\)[\s\S]*❯ onboardings\.csv/
				: /onboardings file \(optional\)/,
			"\r",
		],
		[keyShown, "\r"],
		["workspace Simulator Workspace", "\r"],
		["✓ every row is valid", "\r"],
	] as const) {
		await waitFor(() => expect(app.lastFrame()).toMatch(screen), 15_000);
		await settle();
		app.stdin.write(keys);
	}
}
