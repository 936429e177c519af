/**
 * A plan's inputs rewritten while `apply` checks them (adversarial finding O12): the read the run
 * is later held to, block by block, must itself be the reviewed bytes. The state's read sits
 * between the plan's hash of the files and validation's read of them, so a state reader that
 * rewrites a file plays an export replaced in place at that instant.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openImport } from "../../../src/app/open-import.js";
import { planImport } from "../../../src/app/plan-import.js";
import { savePlanFile } from "../../../src/app/save-plan.js";
import { locatePlan, verifyPlan } from "../../../src/core/plan/open-plan.js";
import { type PlanBody, serializePlan } from "../../../src/core/plan/plan-file.js";
import { tempDir } from "../../support/temp-dirs.js";

const BASE_URL = "http://127.0.0.1:9/api/v1";
const REVIEWED = "external_id,name,mrr\ntt-1,TT 1,3\ntt-2,TT 2,4\n";
const UNREVIEWED = "external_id,name,mrr\ntt-1,EVIL 1,3\ntt-2,EVIL 2,4\n";

async function savedPlan(dir: string, map?: { path: string; text: string }) {
	const customers = join(dir, "customers.csv");
	writeFileSync(customers, REVIEWED);
	if (map) writeFileSync(map.path, map.text);
	const opened = await openImport({
		files: { customers },
		baseUrl: BASE_URL,
		...(map ? { map: map.path } : {}),
	});
	if (!opened.ok) throw new Error(opened.message);
	const planPath = join(dir, "plan.json");
	await savePlanFile(planPath, opened.value, await planImport(opened.value));
	const located = await locatePlan(planPath, { baseUrl: BASE_URL });
	if (!located.ok) throw new Error(located.sentence);
	return { customers, located };
}

describe("a plan's inputs rewritten while apply checks them", () => {
	it("a file replaced after its hash was checked is refused as stale, never taken as the run's reference", async () => {
		const dir = tempDir();
		const { customers, located } = await savedPlan(dir);
		const verified = await verifyPlan(located, async () => {
			writeFileSync(customers, UNREVIEWED);
			return undefined;
		});
		expect(verified).toEqual({
			ok: false,
			sentence: `stale plan: the customers file ${customers} changed while the plan was checked; plan again.`,
		});
	});

	it("a map replaced after its hash was checked is refused as stale, its new text never parsed", async () => {
		const dir = tempDir();
		const mapPath = join(dir, "map.json");
		const { located } = await savedPlan(dir, {
			path: mapPath,
			text: JSON.stringify({ customers: { columns: { external_id: "external_id", name: "name" } } }),
		});
		const verified = await verifyPlan(located, async () => {
			writeFileSync(
				mapPath,
				JSON.stringify({ customers: { columns: { external_id: "external_id", name: "mrr" } } }),
			);
			return undefined;
		});
		expect(verified).toEqual({
			ok: false,
			sentence: `stale plan: the map ${mapPath} changed while the plan was checked; plan again.`,
		});
	});

	it("a file replaced while the operations are replanned is said to have changed, not the plan to be edited (adversarial finding P2)", async () => {
		const dir = tempDir();
		const { customers, located } = await savedPlan(dir);
		// The file is rewritten the moment the replan (and only it) looks the file up: the instant
		// between validation's read, held to the plan's digest, and the replan's own read.
		let rewritten = false;
		const files = new Proxy(located.files, {
			get(target, property, receiver) {
				if (!rewritten && property === "customers" && new Error().stack?.includes("make-plan")) {
					rewritten = true;
					writeFileSync(customers, UNREVIEWED);
				}
				return Reflect.get(target, property, receiver);
			},
		});
		const verified = await verifyPlan({ ...located, files }, async () => undefined);
		expect(rewritten).toBe(true);
		expect(verified).toEqual({
			ok: false,
			sentence: `stale plan: the customers file ${customers} changed while the plan was checked; plan again.`,
		});
	});

	it("inputs left as they were verify", async () => {
		const { located } = await savedPlan(tempDir());
		const verified = await verifyPlan(located, async () => undefined);
		expect(verified.ok).toBe(true);
	});
});

describe("the server a plan names (adversarial finding P1)", () => {
	async function resigned(baseUrl: string): Promise<string> {
		const dir = tempDir();
		const { located } = await savedPlan(dir);
		const { digest: _, ...body } = JSON.parse(readFileSync(located.planPath, "utf8")) as PlanBody & {
			digest: string;
		};
		const path = join(dir, "edited.json");
		writeFileSync(path, serializePlan({ ...body, baseUrl }));
		return path;
	}

	it("Pivotal's own API in another spelling (host case, its default port, a trailing slash) is Pivotal's", async () => {
		const located = await locatePlan(await resigned("https://MY.PIVOTAL.APP:443/api/v1/"));
		expect(located.ok).toBe(true);
	});

	it("a user or password in it is refused as an edit, and never echoed", async () => {
		const located = await locatePlan(await resigned("https://someone:hunter2@my.pivotal.app/api/v1"));
		expect(located.ok).toBe(false);
		if (located.ok) return;
		expect(located.sentence).toContain("baseUrl holds a user or password");
		expect(located.sentence).not.toContain("hunter2");
	});
});
