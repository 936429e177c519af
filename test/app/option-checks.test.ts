/**
 * A library caller's option values the command line could never pass: named in one sentence,
 * never read as something else (adversarial finding N3).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyImport } from "../../src/app/apply-import.js";
import { openImport } from "../../src/app/open-import.js";
import { rulesProblem, runOptionsProblem } from "../../src/app/option-checks.js";
import { planImport } from "../../src/app/plan-import.js";
import type { SyncRules } from "../../src/core/plan/sync-rules.js";
import { tempDir } from "../support/temp-dirs.js";

describe("option checks", () => {
	it.each([
		[{ empty: "explode" }, 'rules.empty must be "keep" or "clear", not "explode".'],
		[{ only: 42 }, 'rules.only must be "create" or "update", not 42.'],
		[{ deleteMissing: "yes" }, 'rules.deleteMissing must be true or false, not "yes".'],
		[{ maxDeletes: -1 }, "rules.maxDeletes must be a whole number of 0 or more, not -1."],
		[
			{ empty: "clear", only: "update", keepPivotalEdits: true, deleteMissing: true, maxDeletes: 0 },
			undefined,
		],
		[undefined, undefined],
	])("rules %j: %s", (rules, expected) => {
		expect(rulesProblem(rules as SyncRules | undefined)).toBe(expected);
	});

	it.each([
		[{ concurrency: -5 }, "concurrency must be a whole number of 1 or more, not -5."],
		[{ concurrency: 2.5 }, "concurrency must be a whole number of 1 or more, not 2.5."],
		[{ windowMs: "abc" }, 'windowMs must be a number of milliseconds above 0, not "abc".'],
		[{ windowMs: 0 }, "windowMs must be a number of milliseconds above 0, not 0."],
		[{ concurrency: 8, windowMs: 1500 }, undefined],
		[{}, undefined],
	])("run options %j: %s", (options, expected) => {
		expect(runOptionsProblem(options)).toBe(expected);
	});

	it("planImport throws the sentence for a rule spelt wrong; applyImport refuses a negative concurrency with code 2", async () => {
		const customers = join(tempDir(), "c.csv");
		writeFileSync(customers, "external_id,name\no1,Option One\n");
		const opened = await openImport({ files: { customers }, baseUrl: "http://127.0.0.1:9/api/v1" });
		if (!opened.ok) throw new Error(opened.message);
		await expect(
			planImport(opened.value, { rules: { empty: "explode" } as unknown as SyncRules }),
		).rejects.toThrow('rules.empty must be "keep" or "clear"');
		const planned = await planImport(opened.value);
		const started = await applyImport(opened.value, planned, {
			keys: ["pivotal_test_option_checks"],
			concurrency: -5,
		});
		expect(started).toEqual({
			ok: false,
			code: 2,
			message: "concurrency must be a whole number of 1 or more, not -5.",
		});
	});
});
