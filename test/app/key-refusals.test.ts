/**
 * A library caller's keys, as a script gets them wrong: none, one with a pasted space or line
 * break, one given as a string. Each step answers a refusal (code 4, one sentence without the
 * key) or runs; it never throws (adversarial finding N3).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyImport } from "../../src/app/apply-import.js";
import { openImport } from "../../src/app/open-import.js";
import { planImport } from "../../src/app/plan-import.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { tempDir } from "../support/temp-dirs.js";

const KEY = "pivotal_test_key_refusals_01";

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ testRateLimit: 100_000, windowMs: 1_000 });
});
afterAll(() => sim.close());

async function opened() {
	const customers = join(tempDir(), "c.csv");
	writeFileSync(customers, "external_id,name\nk1,Key One\n");
	const open = await openImport({ files: { customers }, baseUrl: sim.baseUrl });
	if (!open.ok) throw new Error(open.message);
	return { open: open.value, plan: await planImport(open.value) };
}

describe("keys a script gets wrong", () => {
	it.each([
		["no key", []],
		["a key with a space pasted in", [`${KEY.slice(0, 10)} ${KEY.slice(10)}`]],
		["a key with a line break after it", [`${KEY}\n`]],
	])("%s: a refusal with code 4, the key not in it, nothing sent", async (_, keys) => {
		const { open, plan } = await opened();
		const before = sim.counters().requests;
		const started = await applyImport(open, plan, { keys: keys as string[], windowMs: 1_000 });
		expect(started.ok).toBe(false);
		if (started.ok) return;
		expect(started.code).toBe(4);
		expect(started.message).not.toContain(KEY.slice(12));
		expect(sim.counters().requests).toBe(before);
	});

	it("one key given as a string runs as that key", async () => {
		const { open, plan } = await opened();
		const started = await applyImport(open, plan, { keys: KEY as unknown as string[], windowMs: 1_000 });
		if (!started.ok) throw new Error(started.message);
		const summary = await started.value.done;
		await started.value.close();
		expect(summary.passes.customers.created).toBe(1);
	});
});
