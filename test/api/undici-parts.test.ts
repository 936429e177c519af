import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as undici from "undici";
import { describe, expect, it } from "vitest";
import { buildConnector, Pool, parseHeaders } from "../../src/api/undici-parts.js";
import { simulatorsPerTest, TEST_KEY } from "../support/import-harness.js";

const prepared = simulatorsPerTest();
const CLIENT = fileURLToPath(new URL("../../dist/src/api/client.js", import.meta.url));

// The client loads these from undici's own files rather than its index (a tenth of a run's start):
// an upgrade of undici that moves or replaces them must fail here, not in a user's run.
describe("the parts of undici the client loads by file", () => {
	it("are the very objects undici's index exports", () => {
		expect(Pool).toBe(undici.Pool);
		expect(buildConnector).toBe(undici.buildConnector);
		expect(parseHeaders).toBe(undici.util.parseHeaders);
	});

	it("work: parseHeaders reads raw header pairs", () => {
		const raw = [
			Buffer.from("Content-Type"),
			Buffer.from("application/json"),
			Buffer.from("X-A"),
			Buffer.from("1"),
		];
		expect(parseHeaders(raw)).toEqual({ "content-type": "application/json", "x-a": "1" });
	});

	// undici's index adds `request()` and its kin to every dispatcher; a test process has always
	// loaded it somewhere, a user's run never does. So the client is driven in a process of its own.
	it("serve every call of the client in a process that never loads undici's index", async () => {
		const { sim } = await prepared({ rateLimit: 5, windowMs: 60_000 }, { customers: 1 });
		const program = `
			import { createRequire } from "node:module";
			const { createClient } = await import(${JSON.stringify(CLIENT)});
			const client = createClient({ baseUrl: process.argv[1], apiKey: process.env.KEY });
			await client.health();
			const me = await client.me();
			const created = await client.createCustomer(JSON.stringify({ name: "Lone Ltd" }), "one-by-file");
			const loaded = Object.keys(createRequire(process.cwd() + "/").cache);
			await client.close();
			console.log(JSON.stringify({
				clockKnown: client.serverClock.aheadAtMostMs !== undefined,
				remaining: me.rateLimit?.remaining,
				created: created.data.name,
				indexLoaded: loaded.some((file) => /undici[\\\\/]index\\.js$/.test(file)),
			}));`;
		const { stdout } = await promisify(execFile)(
			process.execPath,
			["--input-type=module", "-e", program, sim.baseUrl],
			{ env: { ...process.env, KEY: TEST_KEY }, timeout: 30_000 },
		);
		expect(JSON.parse(stdout)).toEqual({
			clockKnown: true,
			remaining: 4,
			created: "Lone Ltd",
			indexLoaded: false,
		});
	});
});
