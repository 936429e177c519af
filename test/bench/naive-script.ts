/**
 * The API documentation's bulk import script ("Bulk operations" guide), reimplemented as it
 * is written so that it can run side by side with the engine against the same simulator:
 * p-limit concurrency 4, `Idempotency-Key: bulk-import-<external_id>`, on 429 wait
 * `Retry-After` seconds and retry (nothing else is retried), 409 `slug_taken` counted as done,
 * and after each success the whole checkpoint file rewritten with every done id.
 *
 * Deliberate differences, none of which changes its pacing: Node's `fetch` and
 * `fs.promises.writeFile` stand in for Bun's; the body of a 429 is read to its end (Bun frees
 * an unread body, undici would hold the connection); the per-record console lines are not
 * printed. The guide's optional variant that pauses 1 s when `X-RateLimit-Remaining` < 5 is
 * not implemented: the issue names the base script.
 */

import { readFile, writeFile } from "node:fs/promises";
import pLimit from "p-limit";

export interface SourceCustomer {
	readonly name: string;
	readonly slug: string;
	readonly domain: string;
	readonly external_id: string;
}

export interface NaiveOptions {
	/** e.g. `http://127.0.0.1:1234/api/v1`. */
	readonly baseUrl: string;
	readonly apiKey: string;
	readonly customers: readonly SourceCustomer[];
	/** The flat-text checkpoint (one done external_id per line). */
	readonly checkpointFile: string;
}

export interface NaiveResult {
	readonly done: number;
	readonly errors: number;
	/** 429 answers the script received. */
	readonly rateLimited: number;
	readonly makespanMs: number;
}

interface ErrorBody {
	readonly id?: string;
	readonly error?: { readonly code?: string; readonly message?: string };
}

export async function runNaiveScript(options: NaiveOptions): Promise<NaiveResult> {
	const { baseUrl, apiKey, customers, checkpointFile } = options;
	const done = new Set<string>(
		(await readFile(checkpointFile, "utf8").catch(() => "")).split("\n").filter(Boolean),
	);
	const limit = pLimit(4);
	let errors = 0;
	let rateLimited = 0;

	async function importOne(c: SourceCustomer): Promise<void> {
		if (done.has(c.external_id)) return;
		const res = await fetch(`${baseUrl}/customers`, {
			method: "POST",
			headers: {
				Authorization: `Bearer ${apiKey}`,
				"Content-Type": "application/json",
				"Idempotency-Key": `bulk-import-${c.external_id}`,
			},
			body: JSON.stringify({
				name: c.name,
				slug: c.slug,
				domain: c.domain,
				status: "onboarding",
				metadata: { external_id: c.external_id },
			}),
		});
		if (res.status === 429) {
			rateLimited += 1;
			await res.arrayBuffer();
			const wait = Number(res.headers.get("Retry-After") ?? 5);
			await new Promise((r) => setTimeout(r, wait * 1000));
			return importOne(c);
		}
		const body = (await res.json()) as ErrorBody;
		if (!res.ok && body.error?.code !== "slug_taken") {
			errors += 1;
			return;
		}
		done.add(c.external_id);
		await writeFile(checkpointFile, [...done].join("\n"));
	}

	const started = performance.now();
	await Promise.all(customers.map((c) => limit(() => importOne(c))));
	return { done: done.size, errors, rateLimited, makespanMs: performance.now() - started };
}
