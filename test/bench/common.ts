import { join } from "node:path";
import { createClient } from "../../src/api/client.js";
import type { SourceCheckSummary } from "../../src/core/run-types.js";
import type { SourceRecord } from "../../src/model/records.js";
import { readRecords, validateSources } from "../../src/source/index.js";
import { generateDataset } from "../support/generate.js";

/** Keys the simulator accepts as live keys; each has its own rate-limit bucket. */
export const KEYS = {
	ours: "pivotal_bench_ours_0000a1b2",
	naive: "pivotal_bench_naive_000a1b2",
	bare: "pivotal_bench_bare_0000a1b2",
	probe: "pivotal_bench_probe_000a1b2",
} as const;

export interface Dataset {
	readonly files: { readonly customers: string; readonly contacts?: string; readonly onboardings?: string };
	readonly check: SourceCheckSummary;
}

/** Writes a dataset under `dir` and validates it (an import benchmark does not time validation). */
export async function dataset(
	dir: string,
	customers: number,
	contactsPerCustomer = 0,
	onboardingsPerCustomer = 0,
): Promise<Dataset> {
	const paths = await generateDataset({
		dir,
		customers,
		contactsPerCustomer,
		onboardingsPerCustomer,
		seed: 5,
	});
	const files = {
		customers: paths.customers,
		...(contactsPerCustomer > 0 ? { contacts: paths.contacts } : {}),
		...(onboardingsPerCustomer > 0 ? { onboardings: paths.onboardings } : {}),
	};
	const check = await validateSources(files);
	if (check.problemCount > 0) throw new Error(`generated dataset in ${dir} is invalid`);
	return { files, check: { counts: check.counts, fingerprints: check.fingerprints } };
}

export async function collect(file: string): Promise<SourceRecord[]> {
	const records: SourceRecord[] = [];
	for await (const record of readRecords(file, "customers")) records.push(record);
	return records;
}

/** Median round trip of one `POST /customers` on a key of its own (the caller resets the simulator). */
export async function probeRoundTrip(baseUrl: string, samples = 15): Promise<number> {
	const client = createClient({ baseUrl, apiKey: KEYS.probe });
	const times: number[] = [];
	try {
		for (let i = 0; i < samples + 2; i++) {
			const started = performance.now();
			await client.createCustomer(JSON.stringify({ name: `Probe ${i}` }), `probe-${i}`);
			// The first two open and warm the connection.
			if (i >= 2) times.push(performance.now() - started);
		}
	} finally {
		await client.close();
	}
	times.sort((x, y) => x - y);
	return times[Math.floor(times.length / 2)] ?? 0;
}

export function checkpointIn(dir: string, name: string): string {
	return join(dir, `${name}.checkpoint.json`);
}
