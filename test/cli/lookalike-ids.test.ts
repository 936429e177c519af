/**
 * A sync's new row whose external_id a tool re-typed (leading zeros dropped, `.0` added, an
 * apostrophe), or that carries the CRM id of a customer the file dropped, would be created as a
 * second customer beside the first: the plan is refused before anything is sent (adversarial
 * findings Q12, R5); `--fresh` makes them other customers when they are.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createLeftInDoubt } from "../support/create-left-in-doubt.js";
import { liveCustomers, simulatorsClosedAfterEach, TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

const startSim = simulatorsClosedAfterEach();

const live = liveCustomers;

async function imported(first: string) {
	const sim = await startSim({ seed: 11, rateLimit: 100_000 });
	const file = join(tempDir("pivotal-lookalike-"), "c.csv");
	const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
	writeFileSync(file, first);
	const run = await runCli(["import", file, "--headless", "--yes"], { env });
	expect(run.code, run.stderr).toBe(0);
	return { sim, file, env };
}

/** `first` imported, then a sync of `second` (with `extra` flags): refused (exit 2) with nothing sent. */
async function refusedSync(first: string, second: string, extra: readonly string[] = []) {
	const job = await imported(first);
	const requests = job.sim.counters().requests;
	writeFileSync(job.file, second);
	const run = await runCli(["import", job.file, "--headless", "--yes", ...extra], { env: job.env });
	expect(run.code, run.stderr).toBe(2);
	expect(job.sim.counters().requests).toBe(requests);
	return { ...job, run };
}

/**
 * `header` and `base` imported; the row `doubted` then left in doubt by a killed run (its create
 * landed); the file's row re-keyed to `retyped`: refused with `sentence`, nothing sent.
 */
async function refusedAfterDoubt(
	[header, base]: readonly [string, string],
	[doubted, retyped]: readonly [string, string],
	sentence: string,
	kept: readonly string[],
) {
	const { sim, file, env } = await imported(`${header}\n${base}\n`);
	writeFileSync(file, `${header}\n${base}\n${doubted}\n`);
	await createLeftInDoubt(sim, ["import", file, "--headless", "--yes"], env, () => live(sim).length === 2);
	const requests = sim.counters().requests;
	writeFileSync(file, `${header}\n${base}\n${retyped}\n`);
	const run = await runCli(["import", file, "--headless", "--yes"], { env });
	expect(run.code, run.stderr).toBe(2);
	expect(run.stderr).toContain(sentence);
	expect(sim.counters().requests).toBe(requests);
	expect(live(sim)).toEqual(kept);
}

const FIRST =
	"external_id,name,hubspot_company_id\n00123,Zero Lead Co,HSZ-1\n900000,Float Co,\nz00050,Apostrophe Co,\nacme,Acme,HSA-1\nkeep,Keeps,\n";

describe("new rows that look like a customer the file dropped", { timeout: 60_000 }, () => {
	it("ids re-typed by a tool, or a CRM id carried over: refused before anything is sent, each row named, with or without --delete-missing", async () => {
		const { sim, file, env } = await imported(FIRST);
		const before = live(sim);
		const requests = sim.counters().requests;
		writeFileSync(
			file,
			"external_id,name,hubspot_company_id\n123,Zero Lead Co,HSZ-1\n900000.0,Float Co,\n'z00050,Apostrophe Co,\nacme-2,Acme Renamed,HSA-1\nkeep,Keeps,\n",
		);
		for (const extra of [
			[],
			["--dry-run"],
			["--delete-missing", "--max-deletes", "10"],
			// Not created under --only update, but --delete-missing would delete the one it looks like (finding S10).
			["--only", "update", "--delete-missing", "--max-deletes", "10"],
		]) {
			const run = await runCli(["import", file, "--headless", "--yes", ...extra], { env });
			expect(run.code, run.stderr).toBe(2);
			// With --delete-missing the old one would not stay beside it: it would be deleted (finding X6).
			const outcome = extra.includes("--delete-missing")
				? "take the place of the one this import holds under the old id, which --delete-missing would delete with its contacts and onboardings"
				: "be a second customer beside the one this import holds under the old id";
			expect(run.stderr).toContain(
				`${file}: line 2's new external_id "123" looks like "00123", a customer of this import with the same hubspot_company_id "HSZ-1" that the file no longer holds; line 3's new external_id "900000.0" looks like "900000", a customer of this import that the file no longer holds; line 4's new external_id "'z00050" looks like "z00050", a customer of this import that the file no longer holds (and 1 more rows like these). Created, each would ${outcome} (an import keeps a customer under the external_id it made or found it with), and nothing was sent.`,
			);
			expect(run.stderr).toContain(
				"if they really are other customers, give them ids that do not read as the old ones', or run once with --fresh, which sets the whole state aside",
			);
		}
		expect(sim.counters().requests).toBe(requests);
		expect(live(sim)).toEqual(before);

		// The CRM id alone ties a row whose id has another shape altogether.
		writeFileSync(
			file,
			"external_id,name,hubspot_company_id\n00123,Zero Lead Co,HSZ-1\n900000,Float Co,\nz00050,Apostrophe Co,\nacme-2,Acme Renamed,HSA-1\nkeep,Keeps,\n",
		);
		const crm = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(crm.code).toBe(2);
		expect(crm.stderr).toContain(
			`line 5's new external_id "acme-2" looks like "acme", a customer of this import with the same hubspot_company_id "HSA-1" that the file no longer holds.`,
		);
		expect(sim.counters().requests).toBe(requests);
	});

	it("a row left out as invalid whose id a tool re-typed keeps the customer it stands for from --delete-missing (finding S17)", async () => {
		const { sim, file, env } = await imported(
			"external_id,name,status\n0017001,S1,active\n0017003,S3,active\n",
		);
		writeFileSync(file, "external_id,name,status\n0017001,S1,active\n17003,S3,bogus\n");
		const run = await runCli(
			["import", file, "--headless", "--yes", "--skip-invalid", "--delete-missing", "--max-deletes", "5"],
			{ env },
		);
		expect(run.code, run.stderr).toBe(1);
		expect(live(sim)).toEqual(["S1=0017001", "S3=0017003"]);
	});

	it("with --skip-invalid and a row whose id cannot be told left out, the check still holds (finding T2)", async () => {
		const { sim, file, env } = await imported(FIRST);
		const requests = sim.counters().requests;
		writeFileSync(
			file,
			"external_id,name,hubspot_company_id\n123,Zero Lead Co,HSZ-1\n#N/A,Broken,\nkeep,Keeps,\n",
		);
		const run = await runCli(["import", file, "--headless", "--yes", "--skip-invalid"], { env });
		expect(run.code, run.stderr).toBe(2);
		expect(run.stderr).toContain(`line 2's new external_id "123" looks like "00123"`);
		expect(sim.counters().requests).toBe(requests);
	});

	it("after a first import killed with its create out (no run finished yet), a re-typed id is still refused (findings S2, T3)", async () => {
		const sim = await startSim({ seed: 12, rateLimit: 100_000 });
		const file = join(tempDir("pivotal-lookalike-killed-"), "c.csv");
		const env = { PIVOTAL_API_KEY: TEST_KEY, PIVOTAL_API_URL: sim.baseUrl };
		writeFileSync(file, "external_id,name\n00501,R One\n00502,R Two\n");
		await createLeftInDoubt(sim, ["import", file, "--headless", "--yes"], env, () => live(sim).length === 1);
		const requests = sim.counters().requests;
		writeFileSync(file, "external_id,name\n501,R One\n502,R Two\n");
		const run = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(run.code, run.stderr).toBe(2);
		expect(run.stderr).toContain(`line 2's new external_id "501" looks like "00501"`);
		expect(sim.counters().requests).toBe(requests);
		expect(live(sim)).toEqual(["R One=00501"]);
	});

	it("a new row carrying the CRM id of a create left in doubt by a killed run is refused: the mark keeps the create's CRM ids (finding T15)", async () => {
		// The CRM re-keyed the row; its HubSpot id came along.
		await refusedAfterDoubt(
			["external_id,name,hubspot_company_id", "base1,Base One,"],
			["n1,New One,5550001", "n2,New One,5550001"],
			`line 3's new external_id "n2" looks like "n1", a customer of this import with the same hubspot_company_id "5550001"`,
			["Base One=base1", "New One=n1"],
		);
	});

	it("a new row written with the slug a dropped customer's name derived is refused (finding W1)", async () => {
		const { run } = await refusedSync(
			"external_id,name,slug\na1,Acme Corp,acme\na2,Globex,\n",
			"external_id,name,slug\na1,Acme Corp,acme\nb2,Globex Two,globex\n",
		);
		expect(run.stderr).toContain(
			`line 3's new external_id "b2" looks like "a2", a customer of this import with the same slug "globex"`,
		);
		expect(run.stderr).toContain("give them other slugs.");
	});

	it("ids shifted by a row: a new row with the old name of a customer its row renames is refused, nothing sent (finding X2)", async () => {
		const { sim, run } = await refusedSync(
			"external_id,name,domain\nz1,Alpha,alpha.example\nz2,Beta,beta.example\n",
			"external_id,name,domain\nz2,Alpha,alpha.example\nz3,Beta,beta.example\n",
		);
		expect(run.stderr).toContain(
			`line 3's new external_id "z3" looks like "z2", a customer of this import with the same name "Beta" that line 2 now gives the name "Alpha"`,
		);
		expect(run.stderr).toContain("rename it in one run, add the new one in the next");
		expect(live(sim)).toEqual(["Alpha=z1", "Beta=z2"]);
	});

	it("ids shifted the other way (the first row dropped, the rest renumbered): refused, nothing deleted (finding Y1)", async () => {
		const first = "external_id,name\nc1,Acme\nc2,Beta\nc3,Gamma\n";
		const { sim, run } = await refusedSync(first, "external_id,name\nc1,Beta\nc2,Gamma\n", [
			"--delete-missing",
		]);
		expect(run.stderr).toContain(
			`line 2 renames "c1" from "Acme" to "Beta", the name of "c2", which the file renames; line 3 renames "c2" from "Beta" to "Gamma", the name of "c3", a customer the file no longer holds. Rows that take each other's names read as rows under other rows' ids (an id shift)`,
		);
		expect(live(sim)).toEqual(["Acme=c1", "Beta=c2", "Gamma=c3"]);
	});

	it("a shift whose last customer is also renamed, or by two rows, is refused all the same (findings Z1, Z3)", async () => {
		const first = "external_id,name\nb1,Alpha\nb2,Beta\nb3,Gamma\nb4,Delta\n";
		for (const shifted of [
			"external_id,name\nb1,Beta\nb2,Gamma\nb3,Delta Group\n",
			"external_id,name\nb1,Gamma\nb2,Delta\n",
			"external_id,name\nb1,Newco\nb2,Alpha\nb3,Beta\nb4,Gamma Group\n",
		]) {
			const { sim, run } = await refusedSync(first, shifted, ["--delete-missing", "--max-deletes", "10"]);
			expect(run.stderr, shifted).toContain("(an id shift)");
			expect(live(sim)).toEqual(["Alpha=b1", "Beta=b2", "Delta=b4", "Gamma=b3"]);
		}
	});

	it("a rename to a dropped customer's name (two accounts merged) and a swap of two names go through", async () => {
		const { sim, file, env } = await imported("external_id,name\nc1,Acme\nc2,Beta\nc3,Gamma\n");
		writeFileSync(file, "external_id,name\nc1,Gamma\nc2,Beta\n");
		expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(0);
		writeFileSync(file, "external_id,name\nc1,Beta\nc2,Gamma\n");
		const swap = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(swap.code, swap.stderr).toBe(0);
		expect(live(sim)).toEqual(["Beta=c1", "Gamma=c2", "Gamma=c3"]);
	});

	it("an id shift is refused under --only create and with the shifted row left out as invalid (findings Y2, Y12)", async () => {
		const first = "external_id,name,mrr\nc1,Acme,1\nc2,Beta,1\nc3,Gamma,1\n";
		const created = await refusedSync(
			first,
			"external_id,name,mrr\nc1,Zeta,1\nc2,Acme,1\nc3,Beta,1\nc4,Gamma,1\n",
			["--only", "create"],
		);
		expect(created.run.stderr).toContain(`line 5's new external_id "c4" looks like "c3"`);
		const invalid = await refusedSync(
			first,
			"external_id,name,mrr\nc1,Zeta,1\nc2,Acme,1\nc3,Beta,10k\nc4,Gamma,1\n",
			["--skip-invalid"],
		);
		expect(invalid.run.stderr).toContain(
			`line 5's new external_id "c4" looks like "c3", a customer of this import with the same name "Gamma" whose row is left out as invalid`,
		);
		expect(live(invalid.sim)).toEqual(["Acme=c1", "Beta=c2", "Gamma=c3"]);
	});

	it("ids shifted while the last shifted customer was renamed: its CRM id on the new row is refused (finding Y7)", async () => {
		const { sim, run } = await refusedSync(
			"external_id,name,hubspot_company_id\nc1,Acme,111\nc2,Beta,222\nc3,Gamma,333\n",
			"external_id,name,hubspot_company_id\nc1,Zeta,999\nc2,Acme,111\nc3,Beta,222\nc4,Gamma Inc,333\n",
		);
		expect(run.stderr).toContain(
			`line 5's new external_id "c4" looks like "c3", a customer of this import with the same hubspot_company_id "333" that line 4 now gives the hubspot_company_id "222"`,
		);
		expect(live(sim)).toEqual(["Acme=c1", "Beta=c2", "Gamma=c3"]);
	});

	it("a customer renamed and a new one of another name in the same run go through", async () => {
		const { sim, file, env } = await imported(
			"external_id,name,domain\nz1,Alpha,alpha.example\nz2,Beta,beta.example\n",
		);
		writeFileSync(
			file,
			"external_id,name,domain\nz1,Alpha,alpha.example\nz2,Beta Holdings,beta.example\nz3,Gamma,gamma.example\n",
		);
		const run = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(run.code, run.stderr).toBe(0);
		expect(live(sim)).toEqual(["Alpha=z1", "Beta Holdings=z2", "Gamma=z3"]);
	});

	it("an id column changed (a re-keyed export): rows with the name or slug of a dropped customer are refused, nothing sent (finding V6)", async () => {
		const { sim, file, env, run } = await refusedSync(
			"external_id,name,slug\nrec-1,Map Co One,\nrec-2,Map Co Two,map-two\n",
			"external_id,name,slug\nACME-1,Map Co One,\nACME-2,Map Co 2,map-two\n",
		);
		expect(run.stderr).toContain(
			`line 2's new external_id "ACME-1" looks like "rec-1", a customer of this import with the same name "Map Co One" that the file no longer holds; line 3's new external_id "ACME-2" looks like "rec-2", a customer of this import with the same slug "map-two"`,
		);
		expect(run.stderr).toContain("If the export's ids changed");
		expect(run.stderr).not.toContain("--fresh,");
		expect(live(sim)).toEqual(["Map Co One=rec-1", "Map Co Two=rec-2"]);
		// The old ids back: the sync goes on, the renamed one PATCHed.
		writeFileSync(file, "external_id,name,slug\nrec-1,Map Co One,\nrec-2,Map Co 2,map-two\n");
		const back = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(back.code, back.stderr).toBe(0);
		expect(live(sim)).toEqual(["Map Co 2=rec-2", "Map Co One=rec-1"]);
	});

	it("a create left in doubt by a killed run: a re-keyed row with its name is refused, the mark keeps the name (finding W11)", async () => {
		await refusedAfterDoubt(
			["external_id,name", "base1,Base One"],
			["ups1,Ups One", "ups2,Ups One"],
			`line 3's new external_id "ups2" looks like "ups1", a customer of this import with the same name "Ups One"`,
			["Base One=base1", "Ups One=ups1"],
		);
	});

	it("new rows with nothing tying them to a dropped customer are created as ever", async () => {
		const { sim, file, env } = await imported(FIRST);
		writeFileSync(
			file,
			"external_id,name,hubspot_company_id\n00123,Zero Lead Co,HSZ-1\n900000,Float Co,\nacme,Acme,HSA-1\nkeep,Keeps,\n0124,New Leading Zero,HSZ-7\n",
		);
		const run = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(run.code, run.stderr).toBe(0);
		expect(live(sim)).toContain("New Leading Zero=0124");
		expect(live(sim)).toHaveLength(6);
	});

	it("the ids put back: the sync goes on with nothing doubled; --fresh makes other customers of them, as its sentence says", async () => {
		const { sim, file, env } = await imported(
			"external_id,name,hubspot_company_id\n00123,Zero Lead Co,HSZ-1\n",
		);
		writeFileSync(file, "external_id,name,hubspot_company_id\n123,Zero Lead Co,HSZ-1\n");
		expect((await runCli(["import", file, "--headless", "--yes"], { env })).code).toBe(2);
		writeFileSync(file, "external_id,name,hubspot_company_id\n00123,Zero Lead Co Renamed,HSZ-1\n");
		const back = await runCli(["import", file, "--headless", "--yes"], { env });
		expect(back.code, back.stderr).toBe(0);
		expect(live(sim)).toEqual(["Zero Lead Co Renamed=00123"]);
		writeFileSync(file, "external_id,name,hubspot_company_id\n123,Zero Lead Co,HSZ-1\n");
		const fresh = await runCli(["import", file, "--headless", "--yes", "--fresh"], { env });
		expect(fresh.code, fresh.stderr).toBe(0);
		expect(live(sim)).toEqual(["Zero Lead Co Renamed=00123", "Zero Lead Co=123"]);
	});
});
