import { readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { maskKey } from "../../src/api/key.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/sim/index.js";
import { runCli } from "../support/cli.js";
import { generateDataset } from "../support/generate.js";
import { simTotals, tempDir } from "../support/import-harness.js";

const KEY_A = "pivotal_live_PoolKeyAlpha0000a1a1";
const KEY_B = "pivotal_live_PoolKeyBravo0000b2b2";
const KEY_OTHER = "pivotal_live_PoolKeyOther0000c3c3";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sim(options: SimulatorOptions): Promise<Simulator> {
	const started = await startSimulator({ seed: 7, rateLimit: 100_000, ...options });
	cleanups.push(() => started.close());
	return started;
}

async function dataset(customers = 20): Promise<{ customers: string; contacts: string }> {
	const dir = tempDir("pivotal-tui-keys-");
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	const files = await generateDataset({ dir, customers, contactsPerCustomer: 1, onboardingsPerCustomer: 0 });
	return { customers: files.customers, contacts: files.contacts };
}

/**
 * A loopback proxy in front of simulators: `intercept` may answer a request itself (true when it
 * did); every other request goes to the simulator `targetOf` picks by the request's key.
 */
async function proxy(
	targetOf: (key: string) => Simulator | undefined,
	intercept: (req: IncomingMessage, res: ServerResponse) => boolean = () => false,
): Promise<string> {
	const server: Server = createServer((req, res) => {
		if (intercept(req, res)) return;
		const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
		const target = new URL(targetOf(key)?.baseUrl ?? "");
		const upstream = request(
			{ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One base URL in front of two simulators, chosen by the request's key: keys of two workspaces
 * on one server, as Pivotal has them (one simulator holds one workspace). */
function routeByKey(routes: ReadonlyMap<string, Simulator>): Promise<string> {
	return proxy((key) => routes.get(key) ?? [...routes.values()][0]);
}

/** The simulator behind a proxy that answers `key`'s first `times` GET /me with a 503. */
async function meFailsFirst(target: Simulator, key: string, times: number): Promise<string> {
	let left = times;
	const origin = await proxy(
		() => target,
		(req, res) => {
			const isMe = req.method === "GET" && (req.url ?? "").endsWith("/me");
			if (!(isMe && req.headers.authorization === `Bearer ${key}` && left > 0)) return false;
			left -= 1;
			const body = JSON.stringify({
				error: { type: "internal_error", code: "unavailable", message: "busy" },
			});
			res.writeHead(503, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
			res.end(body);
			return true;
		},
	);
	return `${origin}${new URL(target.baseUrl).pathname}`;
}

const importArgs = (files: { customers: string; contacts: string }, ...keyVariables: string[]) => [
	"import",
	files.customers,
	"--contacts",
	files.contacts,
	"--yes",
	...keyVariables.flatMap((name) => ["--key-env", name]),
];

function expectNoSecret(...texts: string[]) {
	for (const text of texts) for (const key of [KEY_A, KEY_B, KEY_OTHER]) expect(text).not.toContain(key);
}

describe("several keys on the command line (--key-env, repeatable)", () => {
	it("refuses keys of two workspaces in one sentence, exit 2, after GET /me only", async () => {
		const acme = await sim({ keys: [KEY_A], organization: { id: "org_acme", name: "Acme Inc" } });
		const other = await sim({ keys: [KEY_OTHER], organization: { id: "org_other", name: "Other Co" } });
		const base = await routeByKey(
			new Map([
				[KEY_A, acme],
				[KEY_OTHER, other],
			]),
		);
		const files = await dataset();
		const result = await runCli(importArgs(files, "KEY_A", "KEY_B"), {
			env: { KEY_A, KEY_B: KEY_OTHER, PIVOTAL_API_URL: `${base}${new URL(acme.baseUrl).pathname}` },
		});
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			`The keys ${maskKey(KEY_A)} (from KEY_A) (workspace “Acme Inc”) and ${maskKey(KEY_OTHER)} (from KEY_B) (workspace “Other Co”) belong to different workspaces; use keys of one workspace only. Nothing was sent.\n`,
		);
		expect(result.stdout).toBe("");
		for (const server of [acme, other]) {
			expect(server.counters().posts).toBe(0);
			expect(server.counters().requests).toBe(1); // its key's GET /me
		}
		expectNoSecret(result.stdout, result.stderr);
	});

	it("refuses the same key given twice, and a variable named twice, before sending anything", async () => {
		const server = await sim({});
		const files = await dataset();
		const env = { KEY_A, KEY_B: KEY_A, PIVOTAL_API_URL: server.baseUrl };
		const twice = await runCli(importArgs(files, "KEY_A", "KEY_B"), { env });
		expect(twice.code).toBe(2);
		expect(twice.stderr).toBe(`KEY_A and KEY_B hold the same key (${maskKey(KEY_A)}); give each key once.\n`);
		const named = await runCli(importArgs(files, "KEY_A", "KEY_A"), { env });
		expect(named.code).toBe(2);
		expect(named.stderr).toBe("--key-env KEY_A is given twice; name each variable once.\n");
		const pasted = await runCli(importArgs(files, KEY_A), { env });
		expect(pasted.code).toBe(2);
		expect(pasted.stderr).toMatch(/^--key-env takes the name of an environment variable, not a key/);
		const unset = await runCli(importArgs(files, "KEY_A", "KEY_UNSET"), { env });
		expect(unset.code).toBe(2);
		expect(unset.stderr).toMatch(/^No API key: set KEY_UNSET in the environment/);
		expect(server.counters().requests).toBe(0);
		expectNoSecret(twice.stderr, named.stderr, pasted.stderr, unset.stderr);
	});

	it("stops with exit 4 naming the refused key and its variable, nothing written", async () => {
		const server = await sim({ keys: [KEY_A] }); // KEY_B is unknown to it
		const files = await dataset();
		const result = await runCli(importArgs(files, "KEY_A", "KEY_B"), {
			env: { KEY_A, KEY_B, PIVOTAL_API_URL: server.baseUrl },
		});
		expect(result.code).toBe(4);
		expect(result.stderr).toBe(
			`The key ${maskKey(KEY_B)} (from KEY_B) was refused (401 invalid_api_key): check it in Admin > API Keys. Nothing was sent.\n`,
		);
		expect(server.counters().posts).toBe(0);
		expectNoSecret(result.stderr);
	});

	it("asks a key's GET /me again after a 503, so one blip on one key of a pool does not end the run", async () => {
		const server = await sim({ keys: [KEY_A, KEY_B] });
		const files = await dataset(10);
		const result = await runCli(importArgs(files, "KEY_A", "KEY_B"), {
			env: { KEY_A, KEY_B, PIVOTAL_API_URL: await meFailsFirst(server, KEY_B, 2) },
		});
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(simTotals(server)).toEqual({ customers: 10, contacts: 10, onboardings: 0, duplicates: 0 });
	});

	it("a key of a pool that stays unavailable is left out with a warning; the run goes on with the others (finding AA1)", async () => {
		const server = await sim({ keys: [KEY_A, KEY_B] });
		const files = await dataset(10);
		const result = await runCli(importArgs(files, "KEY_A", "KEY_B"), {
			env: { KEY_A, KEY_B, PIVOTAL_API_URL: await meFailsFirst(server, KEY_B, 100) },
		});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toBe(
			`KEY_B: GET /me answered 503 unavailable: busy. This run goes on without that key, on the other key; nothing is sent with it.\n`,
		);
		expect(simTotals(server)).toEqual({ customers: 10, contacts: 10, onboardings: 0, duplicates: 0 });
		expectNoSecret(result.stdout, result.stderr);
	});

	it("a key of a pool busy in another client (429, a minute's Retry-After) is left out at once, not waited for (finding AB4)", async () => {
		const server = await sim({ keys: [KEY_A, KEY_B] });
		const files = await dataset(10);
		let asked = 0;
		const origin = await proxy(
			() => server,
			(req, res) => {
				const isMe = req.method === "GET" && (req.url ?? "").endsWith("/me");
				if (!(isMe && req.headers.authorization === `Bearer ${KEY_B}`)) return false;
				asked += 1;
				const body = JSON.stringify({
					error: { type: "rate_limit_error", code: "rate_limited", message: "Try again in 60 seconds." },
				});
				res.writeHead(429, {
					"content-type": "application/json",
					"content-length": Buffer.byteLength(body),
					"retry-after": "60",
				});
				res.end(body);
				return true;
			},
		);
		const result = await runCli(importArgs(files, "KEY_A", "KEY_B"), {
			env: { KEY_A, KEY_B, PIVOTAL_API_URL: `${origin}${new URL(server.baseUrl).pathname}` },
		});
		expect(result.code, result.stderr).toBe(0);
		expect(asked).toBe(1);
		expect(result.stderr).toContain("KEY_B: GET /me answered 429 rate_limited");
		expect(result.stderr).toContain("This run goes on without that key");
		expect(simTotals(server)).toEqual({ customers: 10, contacts: 10, onboardings: 0, duplicates: 0 });
	});

	it("imports with two keys of one workspace: every record once, the checkpoint holds fingerprints only", async () => {
		const server = await sim({ keys: [KEY_A, KEY_B] });
		const files = await dataset(30);
		const result = await runCli([...importArgs(files, "KEY_A", "KEY_B"), "--concurrency", "4"], {
			env: { KEY_A, KEY_B, PIVOTAL_API_URL: server.baseUrl },
		});
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(simTotals(server)).toEqual({ customers: 30, contacts: 30, onboardings: 0, duplicates: 0 });
		const checkpoint = readFileSync(`${files.customers}.checkpoint.json`, "utf8");
		expect(checkpoint).toMatch(/sha256:[0-9a-f]{16}/);
		expectNoSecret(result.stdout, checkpoint);
	});

	it("masks another key of the pool that a server echoes, in every output and the state", async () => {
		const target = await sim({ keys: [KEY_A, KEY_B] });
		const echoes = [
			Buffer.from(`Bearer ${KEY_B}`).toString("base64"),
			Buffer.from(`${KEY_B}:`).toString("base64url"),
			KEY_B.slice(-16, -2),
		];
		// Key A's creates are refused with an answer that carries key B: a gateway's echo.
		const origin = await proxy(
			() => target,
			(req, res) => {
				if (!(req.method === "POST" && req.headers.authorization === `Bearer ${KEY_A}`)) return false;
				req.resume();
				const body = JSON.stringify({
					error: { type: "invalid_request", code: "invalid_name", message: `seen ${echoes.join(" and ")}` },
				});
				res.writeHead(422, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
				res.end(body);
				return true;
			},
		);
		const posted: string[] = [];
		const hook = createServer((req, res) => {
			let body = "";
			req.on("data", (chunk) => {
				body += chunk;
			});
			req.on("end", () => {
				posted.push(body);
				res.end("ok");
			});
		});
		await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
		cleanups.push(() => new Promise<void>((resolve) => hook.close(() => resolve())));
		const files = await dataset(6);
		const summary = `${files.customers}.summary.md`;
		const [failures, results] = [`${files.customers}.failures.csv`, `${files.customers}.results.csv`];
		const result = await runCli(
			[
				...importArgs(files, "KEY_A", "KEY_B"),
				"--headless",
				"--failures-csv",
				failures,
				"--results-csv",
				results,
				"--summary-md",
				summary,
				"--notify",
				`http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
			],
			{ env: { KEY_A, KEY_B, PIVOTAL_API_URL: `${origin}${new URL(target.baseUrl).pathname}` } },
		);
		expect(result.code).toBe(1);
		const markdown = readFileSync(summary, "utf8");
		expect(markdown).toContain("invalid\\_name");
		expect(posted).toHaveLength(1);
		const kept = [failures, results, `${files.customers}.checkpoint.json`].map((path) =>
			readFileSync(path, "utf8"),
		);
		expect(kept[0]).toContain("invalid_name");
		// Each client masks the whole pool's keys in what it keeps, not its own key only.
		for (const text of [markdown, posted[0]!, result.stdout, result.stderr, ...kept])
			for (const echo of echoes) expect(text).not.toContain(echo);
	});

	it("masks a key whose secret holds underscores in the summary, where Markdown escapes them", async () => {
		const key = "pivotal_test_team_ops_2026_Zq7Xw3Rt9L";
		const files = await dataset(2);
		const contacts = `${files.customers}.team_ops_2026_Zq7Xw3Rt9L.csv`;
		const summary = `${files.customers}.summary.md`;
		const result = await runCli(
			["import", files.customers, "--contacts", contacts, "--headless", "--summary-md", summary],
			{ env: { PIVOTAL_API_KEY: key, PIVOTAL_API_URL: "http://127.0.0.1:9/v1" } },
		);
		expect(result.code).toBe(2);
		const markdown = readFileSync(summary, "utf8");
		expect(markdown).toContain("does not exist");
		// Read as it renders: Markdown's escapes taken out.
		const rendered = markdown.replaceAll("\\", "");
		for (const text of [rendered, result.stderr]) expect(text).not.toContain("team_ops_2026_Zq7Xw3Rt9L");
	});
});
