import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/core/checkpoint/index.js";
import type { PassName, SourceRecord } from "../../src/model/records.js";
import type { Simulator } from "../../src/sim/index.js";
import { setup } from "../support/import-harness.js";
import { delay, failingFs, printMatrix, recordCase, sourceRecords, start } from "./support.js";

const sims: Simulator[] = [];
afterEach(async () => {
	await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(printMatrix);

const TTL_MS = 1_000;

const ROUTE: Record<PassName, string> = {
	customers: "/customers",
	contacts: "/customers/:id/contacts",
	onboardings: "/onboardings",
};

/** The body field a scripted fault matches one record of the pass on. */
function match(pass: PassName, record: SourceRecord): Record<string, string> {
	if (pass === "customers") return { "metadata.external_id": record.key };
	if (pass === "contacts") return { email: String(record.body.email) };
	return { name: String(record.body.name) };
}

describe("idempotency expiry: the server forgets keys after 1 s, the importer is not told", () => {
	for (const pass of ["customers", "contacts", "onboardings"] as const) {
		it(`killed during the ${pass} pass with requests in doubt, resumed past the TTL: 0 duplicates`, async () => {
			const { sim, files } = await setup(
				{
					rateLimit: 100_000,
					idempotencyTtlMs: TTL_MS,
					faults: { latencyMinMs: 5, latencyMaxMs: 15 },
				},
				{ customers: 24, contactsPerCustomer: 1, onboardingsPerCustomer: 1, withSlugs: "some" },
			);
			sims.push(sim);
			const source = await sourceRecords(files);
			// Customers without a slug (unguarded) first; for customers one with a slug too.
			const targets =
				pass === "customers"
					? [
							...source.customers.filter((r) => r.body.slug === undefined).slice(0, 2),
							...source.customers.filter((r) => r.body.slug !== undefined).slice(0, 1),
						]
					: source[pass].slice(0, 2);
			// Created on the server, the answer lost: after the work, a dropped socket or a 500.
			targets.forEach((record, i) => {
				sim.pushFault({
					method: "POST",
					route: ROUTE[pass],
					match: match(pass, record),
					times: 1,
					when: "after",
					kind: i % 2 === 0 ? "reset" : "error",
				});
			});
			// One attempt only: each faulted record ends "failed, retryable" though it exists. Once they
			// have, the checkpoint's disk fails like a kill: what is on the wire stays "sent".
			const fs = failingFs();
			let faulted = 0;
			const first = start(sim, files, {
				checkpointFs: fs,
				plan: { concurrency: 4 },
				options: { maxAttempts: 1 },
				onEvent: (event) => {
					if (event.type === "record-failed" && event.pass === pass && ++faulted === targets.length)
						fs.errno = "EIO";
				},
			});
			const stopped = await first.finish();
			expect(stopped.outcome).toBe("checkpoint-failed");
			const saved = await readCheckpoint(`${files.customers}.checkpoint.json`);
			const states = [...(saved?.records[pass].values() ?? [])];
			const failedRetryable = states.filter((s) => s.s === "failed" && s.retryable).length;
			const sent = states.filter((s) => s.s === "sent").length;
			expect(failedRetryable).toBe(targets.length);
			expect(sim.counters().created[pass]).toBeGreaterThanOrEqual(targets.length);

			await delay(TTL_MS + 300);
			const resumed = await start(sim, files).finish();
			expect(resumed.outcome).toBe("completed");
			const result = await recordCase(
				`idempotency TTL 1 s, killed in ${pass} (${failedRetryable} failed-retryable + ${sent} sent in doubt)`,
				2,
				sim,
				files,
			);
			expect(result).toMatchObject({ duplicates: 0, lost: 0 });
			expect(sim.duplicates().total).toBe(0);
		});
	}
});
