/**
 * The bare side of row b's whole-process line, run as its own process: the tightest keep-alive
 * loop a script would write (one undici Pool, CONCURRENCY workers), sending each body of a
 * JSON-lines file as a customer create with its idempotency key, reading each answer. Prints the
 * number created. `node bare-loop-child.js BASE_URL BODIES_FILE CONCURRENCY`, the key in
 * PIVOTAL_API_KEY.
 */

import { readFileSync } from "node:fs";
import { Pool } from "undici";

const [baseUrl, file, concurrencyText] = process.argv.slice(2);
if (!baseUrl || !file || !concurrencyText) {
	process.stderr.write("usage: bare-loop-child BASE_URL BODIES_FILE CONCURRENCY\n");
	process.exit(2);
}
const bodies = readFileSync(file, "utf8")
	.split("\n")
	.filter((line) => line !== "")
	.map((line) => JSON.parse(line) as { key: string; text: string });
const url = new URL(baseUrl);
const path = `${url.pathname.replace(/\/+$/, "")}/customers`;
const concurrency = Number(concurrencyText);
const pool = new Pool(url.origin, { connections: concurrency });
const authorization = `Bearer ${process.env.PIVOTAL_API_KEY ?? ""}`;
let next = 0;
let created = 0;
const worker = async (): Promise<void> => {
	while (next < bodies.length) {
		const record = bodies[next++]!;
		const response = await pool.request({
			path,
			method: "POST",
			headers: {
				authorization,
				accept: "application/json",
				"content-type": "application/json",
				"idempotency-key": `bare-${record.key}`,
			},
			body: record.text,
		});
		const answer = JSON.parse(await response.body.text()) as { id?: string };
		if (response.statusCode === 201 && answer.id) created += 1;
	}
};
await Promise.all(Array.from({ length: concurrency }, worker));
await pool.close();
process.stdout.write(`${JSON.stringify({ created })}\n`);
