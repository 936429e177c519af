/**
 * The customers file's read begun while the state loads (`beginFirstRead`): taken by the check
 * it was begun for, ended (its thread stopped, nothing of it used) by a check with other options.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { beginFirstRead } from "../../src/source/begun-read.js";
import { validateSources } from "../../src/source/validate.js";
import { tempDir } from "../support/temp-dirs.js";

/** A customers file past the size a thread reads (4 MiB), so that its read runs ahead on one. */
function bigCustomers(): string {
	const file = join(tempDir(), "customers.csv");
	const lines = ["external_id,name,slug,domain,status,plan,mrr,metadata.segment,metadata.region"];
	for (let i = 0; i < 60_000; i++)
		lines.push(
			`cus_${i},Company ${i} Holdings,company-${i},company${i}.example.com,active,business,${i * 100},smb,na`,
		);
	writeFileSync(file, `${lines.join("\n")}\n`);
	return file;
}

describe("a first read begun early", () => {
	it("is taken by the check it was begun for, which reads the file as a check begun then would", async () => {
		const customers = bigCustomers();
		const plain = await validateSources({ customers });
		const early = beginFirstRead({ customers }, {});
		expect(early).toBeDefined();
		// The thread parses ahead while the caller waits (here, on a timer).
		await new Promise((resolve) => setTimeout(resolve, 200));
		const check = await validateSources({ customers }, { begun: early });
		expect(check.problemCount).toBe(0);
		expect(check.counts.customers).toBe(60_000);
		expect(check.fingerprints).toEqual(plain.fingerprints);
		// Its scan is the one the check filled: the file's fingerprint came from this read.
		expect(early!.read.scan.sha256).toBe(plain.fingerprints.customers);
	});

	it("is ended, not used, by a check with other read options, which reads the file as they say", async () => {
		const customers = bigCustomers();
		const early = beginFirstRead({ customers }, { delimiter: ";" });
		expect(early).toBeDefined();
		await new Promise((resolve) => setTimeout(resolve, 200));
		const check = await validateSources({ customers }, { begun: early });
		expect(check.problemCount).toBe(0);
		expect(check.counts.customers).toBe(60_000);
		expect(early!.read.scan.sha256).toBeUndefined();
		expect((await early!.read.rows.next()).done).toBe(true);
	});

	it("is not begun for options that cannot be read: the check says why", async () => {
		const customers = bigCustomers();
		expect(beginFirstRead({ customers }, { encoding: "no-such-encoding" })).toBeUndefined();
		const check = await validateSources({ customers }, { encoding: "no-such-encoding" });
		expect(check.problemCount).toBe(1);
	});
});
