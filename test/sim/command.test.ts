import { describe, expect, it } from "vitest";
import { runSimCommand } from "../../src/sim/index.js";

function sink() {
	let text = "";
	const waiters: Array<() => void> = [];
	return {
		write(chunk: string) {
			text += chunk;
			for (const w of waiters.splice(0)) w();
			return true;
		},
		get text() {
			return text;
		},
		/** Resolves with the first line once it is complete. */
		async firstLine(): Promise<string> {
			while (!text.includes("\n")) await new Promise<void>((r) => waiters.push(r));
			return text.split("\n")[0] as string;
		},
	};
}

const auth = { authorization: "Bearer pivotal_cmd_key_01" };

describe("pivotal-tui sim", () => {
	it("prints the base URL alone on the first line and stops cleanly on abort", async () => {
		const stdout = sink();
		const stderr = sink();
		const controller = new AbortController();
		const done = runSimCommand(["--port", "0", "--seed", "3"], { stdout, stderr, signal: controller.signal });
		const url = await stdout.firstLine();
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
		expect((await fetch(`${url}/health`)).status).toBe(200);
		controller.abort();
		expect(await done).toBe(0);
		expect(stderr.text).toBe("");
		await expect(fetch(`${url}/health`)).rejects.toThrow();
	});

	it("mirrors the brief: --rate-limit 5 --window 10, idempotent POSTs, body mismatch, missing name", async () => {
		const stdout = sink();
		const controller = new AbortController();
		const done = runSimCommand(["--rate-limit", "5", "--window", "10"], {
			stdout,
			stderr: sink(),
			signal: controller.signal,
		});
		const url = await stdout.firstLine();
		try {
			const post = (body: string, key?: string) =>
				fetch(`${url}/customers`, {
					method: "POST",
					headers: {
						...auth,
						"content-type": "application/json",
						...(key === undefined ? {} : { "idempotency-key": key }),
					},
					body,
				});
			const a = await post('{"name":"Acme"}', "acme-1");
			const b = await post('{"name":"Acme"}', "acme-1");
			expect([a.status, b.status]).toEqual([201, 201]);
			expect(((await b.json()) as { id: string }).id).toBe(((await a.json()) as { id: string }).id);
			const mismatch = await post('{"name":"Acme Corp"}', "acme-1");
			expect(mismatch.status).toBe(409);
			expect(((await mismatch.json()) as { error: { code: string } }).error.code).toBe(
				"idempotency_key_reused",
			);
			const noName = await post("{}");
			expect(noName.status).toBe(400);
			expect(await noName.json()).toEqual({
				error: {
					type: "invalid_request_error",
					code: "missing_field",
					message: expect.any(String),
					field: "name",
				},
			});
			const fifth = await fetch(`${url}/me`, { headers: auth });
			expect(fifth.status).toBe(200);
			expect(fifth.headers.get("x-ratelimit-remaining")).toBe("0");
			const sixth = await fetch(`${url}/me`, { headers: auth });
			expect(sixth.status).toBe(429);
			const retryAfter = Number(sixth.headers.get("retry-after"));
			expect(retryAfter).toBeGreaterThanOrEqual(1);
			expect(retryAfter).toBeLessThanOrEqual(11);
			expect(((await sixth.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
		} finally {
			controller.abort();
			expect(await done).toBe(0);
		}
	});

	it("applies --faults and the other numeric flags", async () => {
		const stdout = sink();
		const controller = new AbortController();
		const done = runSimCommand(["--faults", "5xx=1", "--test-rate-limit", "7", "--idempotency-ttl", "5"], {
			stdout,
			stderr: sink(),
			signal: controller.signal,
		});
		const url = await stdout.firstLine();
		const res = await fetch(`${url}/customers`, { method: "POST", headers: auth, body: '{"name":"A"}' });
		expect(res.status).toBe(500);
		const test = await fetch(`${url}/me`, { headers: { authorization: "Bearer pivotal_test_cmd_01" } });
		expect(test.headers.get("x-ratelimit-limit")).toBe("7");
		controller.abort();
		expect(await done).toBe(0);
	});

	it("refuses bad usage with one sentence on stderr and exit code 2", async () => {
		for (const argv of [
			["--bogus"],
			["--port", "abc"],
			["--rate-limit", "0"],
			["--window", "-1"],
			["--faults", "5xx=7"],
			["extra"],
		]) {
			const stdout = sink();
			const stderr = sink();
			expect(await runSimCommand(argv, { stdout, stderr }), argv.join(" ")).toBe(2);
			expect(stdout.text).toBe("");
			expect(stderr.text.trim().split("\n")).toHaveLength(1);
		}
	});

	it("prints help", async () => {
		const stdout = sink();
		expect(await runSimCommand(["--help"], { stdout, stderr: sink() })).toBe(0);
		expect(stdout.text).toContain("--faults SPEC");
	});
});
