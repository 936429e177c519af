/**
 * A hostile Pivotal: a loopback HTTP server (127.0.0.1 only) whose answers each test scripts,
 * and the checks every hostile case makes of the binary's run: it ended on its own, and no key
 * and no raw control character reached stdout, stderr, the state or a CSV.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { type CliResult, runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dirs.js";

/** A key long enough to be redacted and shaped like a real one; the server echoes it back. */
export const HOSTILE_KEY = "pivotal_live_Hx93SECRETkey7777q9z8";

/** Raw control characters a terminal acts on (newline, carriage return and tab are text). */
export const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** What one request looked like, and how many times its idempotency key (or path) came before. */
export interface Seen {
	readonly method: string;
	readonly url: string;
	readonly body: string;
	/** 1 for the first request with this idempotency key (or, without one, this method and path). */
	readonly attempt: number;
}

export type Answer = (seen: Seen, res: ServerResponse, req: IncomingMessage) => void;

export interface Hostile {
	readonly baseUrl: string;
	readonly requests: Seen[];
	/** Timers of trickles and the like: cleared on close. */
	readonly timers: Set<NodeJS.Timeout>;
	close(): Promise<void>;
}

export function meBody(organizationName = "Acme Hostile") {
	return {
		object: "me",
		api_key: {
			id: "key_1",
			name: "ci",
			prefix: "pivotal_live_",
			scopes: ["write"],
			rate_limit_tier: "standard",
		},
		organization: { id: "org_1", slug: "acme", name: organizationName },
	};
}

export function send(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const text = typeof body === "string" ? body : JSON.stringify(body);
	res.writeHead(status, {
		"content-type": "application/json",
		"content-length": Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

/** A created customer, as the API answers a POST. */
export function created(seen: Seen, n = 1): Record<string, unknown> {
	const body = JSON.parse(seen.body || "{}") as Record<string, unknown>;
	return {
		object: "customer",
		id: `cus_${n}_${seen.attempt}_${Math.random().toString(36).slice(2)}`,
		display_id: n,
		...body,
	};
}

const EMPTY_LIST = { object: "list", data: [], has_more: false, next_cursor: null };

/** `serve(answer, me?, listsToo?)`: a hostile server for this test, closed after it. */
export function hostileServersPerTest(): (
	answer: Answer,
	me?: unknown,
	listsToo?: boolean,
) => Promise<Hostile> {
	const servers: Hostile[] = [];
	afterEach(async () => {
		await Promise.all(servers.splice(0).map((s) => s.close()));
	});
	return async (answer, me, listsToo = false) => {
		const server = await hostileServer(answer, me, listsToo);
		servers.push(server);
		return server;
	};
}

/**
 * Start a hostile server: `GET /me` answers `me` (default a sound one; a function answers it
 * itself); list lookups answer an empty list unless `listsToo`; everything else `answer`.
 */
export async function hostileServer(
	answer: Answer,
	me: unknown = meBody(),
	listsToo = false,
): Promise<Hostile> {
	const requests: Seen[] = [];
	const counts = new Map<string, number>();
	const timers = new Set<NodeJS.Timeout>();
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (chunk: Buffer) => chunks.push(chunk));
		req.on("end", () => {
			const id = (req.headers["idempotency-key"] as string | undefined) ?? `${req.method} ${req.url}`;
			const attempt = (counts.get(id) ?? 0) + 1;
			counts.set(id, attempt);
			const seen: Seen = {
				method: req.method ?? "",
				url: req.url ?? "",
				body: Buffer.concat(chunks).toString("utf8"),
				attempt,
			};
			requests.push(seen);
			// A client that hung up mid-answer makes writes fail: that is the point, not an error.
			res.on("error", () => undefined);
			const path = seen.url.split("?")[0] ?? "";
			if (path.endsWith("/me")) {
				if (typeof me === "function") (me as Answer)(seen, res, req);
				else send(res, 200, me);
			} else if (!listsToo && seen.method === "GET" && /\/(customers|contacts|onboardings)$/.test(path))
				send(res, 200, EMPTY_LIST);
			else answer(seen, res, req);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/api/v1`,
		requests,
		timers,
		close: () =>
			new Promise<void>((resolve) => {
				for (const timer of timers) clearInterval(timer);
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export interface HostileRun extends CliResult {
	readonly dir: string;
	readonly customers: string;
	/** Every file the run left beside the input (state, journal, backup, CSVs), by name. */
	readonly files: ReadonlyMap<string, string>;
	readonly elapsedMs: number;
}

/** Generous for a loaded 2-core machine; a hostile case that hangs is killed here and fails. */
export const CASE_BOUND_MS = 120_000;

/** Run `pivotal-tui import` on a customers file with these rows (`external_id,name,slug`). */
export async function importAgainst(
	server: Hostile,
	rows: readonly (readonly [string, string, string])[],
	options: {
		readonly env?: Record<string, string>;
		readonly extraArgs?: readonly string[];
		/** Run in this earlier run's folder (its state), with these arguments instead of an import's. */
		readonly after?: { readonly run: HostileRun; readonly args: readonly string[] };
	} = {},
): Promise<HostileRun> {
	const dir = options.after?.run.dir ?? tempDir("pivotal-tui-hostile-");
	const customers = join(dir, "customers.csv");
	if (!options.after)
		writeFileSync(customers, `external_id,name,slug\n${rows.map((r) => r.join(",")).join("\n")}\n`);
	const started = performance.now();
	const result = await runCli(
		options.after?.args ?? [
			"import",
			customers,
			"--verbose",
			"--failures-csv",
			join(dir, "failures.csv"),
			"--results-csv",
			join(dir, "results.csv"),
			...(options.extraArgs ?? []),
		],
		{
			env: { PIVOTAL_API_KEY: HOSTILE_KEY, PIVOTAL_API_URL: server.baseUrl, ...options.env },
			killAfterMs: CASE_BOUND_MS,
		},
	);
	const elapsedMs = performance.now() - started;
	const files = new Map<string, string>();
	for (const name of readdirSync(dir)) {
		if (name !== "customers.csv") files.set(name, readFileSync(join(dir, name), "utf8"));
	}
	return { ...result, dir, customers, files, elapsedMs };
}

/** The promises every hostile case keeps. */
export function expectKept(run: HostileRun, code: number): void {
	const context = `stdout:\n${run.stdout.slice(0, 4000)}\nstderr:\n${run.stderr.slice(0, 4000)}`;
	expect(run.signal, `killed after ${CASE_BOUND_MS} ms: it hung\n${context}`).toBeNull();
	expect(run.code, context).toBe(code);
	const outputs: [string, string][] = [
		["stdout", run.stdout],
		["stderr", run.stderr],
		...[...run.files].map(([name, text]): [string, string] => [name, text]),
	];
	for (const [name, text] of outputs) {
		expect(text.includes(HOSTILE_KEY), `the key in ${name}`).toBe(false);
		// The key's secret part alone, in case something printed it without its prefix.
		expect(text.includes(HOSTILE_KEY.slice("pivotal_live_".length)), `the key's secret in ${name}`).toBe(
			false,
		);
		expect(RAW_CONTROL.exec(text)?.[0], `a raw control character in ${name}`).toBeUndefined();
		expect(text, name).not.toMatch(/TypeError|RangeError|Maximum call stack| {4}at /);
	}
	expect(run.stderr, "no TimeoutOverflowWarning busy loop").not.toMatch(/TimeoutOverflowWarning/);
}

/** The row a create is for: its `external_id`, wherever the body carries it. */
export function rowOf(seen: Seen): string {
	try {
		const body = JSON.parse(seen.body) as { external_id?: unknown; metadata?: { external_id?: unknown } };
		return String(body.external_id ?? body.metadata?.external_id ?? "");
	} catch {
		return "";
	}
}

/** Rows `r1…rN` with names and slugs. */
export function rowsOf(count: number): (readonly [string, string, string])[] {
	return Array.from({ length: count }, (_, i) => [`r${i + 1}`, `Row ${i + 1}`, `row-${i + 1}`] as const);
}
