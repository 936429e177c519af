import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
	formatProblem,
	loadMap,
	type Problem,
	type SourceFiles,
	type SourceMap,
	validateSources,
} from "../../src/source/index.js";

const BAD = join(import.meta.dirname, "../../fixtures/bad");

interface Expected {
	readonly file: "customers.csv" | "contacts.csv" | "onboardings.csv" | "map.json";
	readonly line: number;
	readonly column?: number;
	readonly fragment: string;
}

// Mirrors fixtures/bad/README.md.
const CASES: Record<string, Expected> = {
	"bad-boolean": {
		file: "contacts.csv",
		line: 2,
		column: 4,
		fragment: 'is_primary "maybe" is not a yes/no value',
	},
	"bad-date": {
		file: "onboardings.csv",
		line: 3,
		column: 3,
		fragment: 'target_launch_date "2027-02-30" is not a real calendar date',
	},
	"bad-domain": {
		file: "customers.csv",
		line: 2,
		column: 4,
		fragment: 'domain "acme com" is not a bare host name',
	},
	"bad-email": { file: "contacts.csv", line: 3, column: 3, fragment: 'email "bob@" is not a valid address' },
	"bad-mrr": {
		file: "customers.csv",
		line: 2,
		column: 6,
		fragment: 'mrr "1.2345" is not an amount',
	},
	"bad-phase": { file: "onboardings.csv", line: 2, column: 4, fragment: 'phase "kickoff" is not one of' },
	"bad-slug": { file: "customers.csv", line: 2, column: 3, fragment: 'slug "Acme Inc" is not a valid slug' },
	"bad-state": { file: "onboardings.csv", line: 2, column: 5, fragment: 'state "blocked" is not one of' },
	"bad-status": { file: "customers.csv", line: 2, column: 5, fragment: 'status "live" is not one of' },
	"contact-key-collision": {
		file: "contacts.csv",
		line: 2,
		column: 3,
		fragment:
			'email "x/y@acme.com" holds a "/", which would make its contact\'s key (customer id/e-mail) ambiguous',
	},
	"duplicate-contact-email": {
		file: "contacts.csv",
		line: 4,
		column: 3,
		fragment: 'email "Ann@Acme.com" is already used for customer "c-1" on line 2',
	},
	"duplicate-external-id": {
		file: "customers.csv",
		line: 4,
		column: 1,
		fragment: 'external_id "c-1" is already used on line 2',
	},
	"duplicate-header": {
		file: "customers.csv",
		line: 1,
		column: 3,
		fragment: 'column "name" appears twice in the header',
	},
	"duplicate-slug": {
		file: "customers.csv",
		line: 4,
		column: 3,
		fragment: 'slug "acme" is already used on line 2',
	},
	"empty-file": { file: "customers.csv", line: 1, fragment: "no records" },
	"empty-header": {
		file: "customers.csv",
		line: 1,
		column: 2,
		fragment: "column 2 has no name in the header row",
	},
	"header-only": { file: "customers.csv", line: 1, fragment: "no records" },
	"huge-name": {
		file: "customers.csv",
		line: 3,
		column: 2,
		fragment: "name is 1048576 characters long, more than the 255 allowed",
	},
	"map-ambiguous-date": {
		file: "onboardings.csv",
		line: 2,
		column: 3,
		fragment:
			'"03/04/2026" is not an ISO date and reads two ways, 2026-03-04 (MM/dd/yyyy) or 2026-04-03 (dd/MM/yyyy)',
	},
	"map-broken-json": { file: "map.json", line: 6, column: 5, fragment: "the map is not valid JSON here" },
	"map-header-missing": {
		file: "map.json",
		line: 6,
		column: 7,
		fragment: 'customers.columns.domain names the header "Company Domain", which',
	},
	"map-required-unmapped": {
		file: "map.json",
		line: 3,
		column: 5,
		fragment: 'customers.columns does not map the required field "name"',
	},
	"map-value-not-allowed": {
		file: "map.json",
		line: 5,
		column: 60,
		fragment: 'customers.values.status maps "Former Customer" to "lost", which is not one of',
	},
	"missing-required-cell": {
		file: "customers.csv",
		line: 3,
		column: 2,
		fragment: "name is empty but required",
	},
	"missing-required-column": {
		file: "contacts.csv",
		line: 1,
		fragment: 'required column "email" is missing',
	},
	"non-utf8": { file: "customers.csv", line: 4, fragment: "not valid UTF-8" },
	"ragged-row": {
		file: "customers.csv",
		line: 3,
		fragment: "this row has 7 cells but the header has 6 columns",
	},
	"stray-quote": {
		file: "customers.csv",
		line: 2,
		column: 2,
		fragment: "a closing quote in column 2 is followed by more text",
	},
	"two-primaries": {
		file: "contacts.csv",
		line: 4,
		column: 4,
		fragment: 'customer "c-1" already has a primary contact on line 2',
	},
	"unknown-column": {
		file: "customers.csv",
		line: 1,
		column: 3,
		fragment: 'column "colour" is not a customers column',
	},
	"unknown-parent-contact": {
		file: "contacts.csv",
		line: 3,
		column: 1,
		fragment: 'customer_external_id "c-9" matches no external_id',
	},
	"unknown-parent-onboarding": {
		file: "onboardings.csv",
		line: 2,
		column: 1,
		fragment: 'customer_external_id "c-404" matches no external_id',
	},
	"unterminated-quote": { file: "customers.csv", line: 3, fragment: "is never closed" },
};

function filesOf(dir: string): SourceFiles {
	const at = (name: string): string | undefined =>
		existsSync(join(dir, name)) ? join(dir, name) : undefined;
	return {
		customers: join(dir, "customers.csv"),
		contacts: at("contacts.csv"),
		onboardings: at("onboardings.csv"),
	};
}

/** The map's own problems when it does not load, else those of validating the files through it. */
async function problemsOf(
	dir: string,
): Promise<{ readonly problems: readonly Problem[]; readonly count: number }> {
	let map: SourceMap | undefined;
	if (existsSync(join(dir, "map.json"))) {
		const loaded = await loadMap(join(dir, "map.json"));
		if (!loaded.ok) return { problems: loaded.problems, count: loaded.problems.length };
		map = loaded.map;
	}
	const check = await validateSources(filesOf(dir), { map });
	return { problems: check.problems, count: check.problemCount };
}

// Every sentence names what to do next, not only what is wrong.
const REMEDY =
	/; (?:fix|fill|use|add|remove|rename|name|write|shorten|set|check|change|put|save|every|slugs|leave|re-save)\b/;

describe("bad fixtures", () => {
	it("has a case in the table for every folder, and at least 20", () => {
		const folders = readdirSync(BAD, { withFileTypes: true })
			.filter((d) => d.isDirectory())
			.map((d) => d.name)
			.sort();
		expect(folders).toEqual(Object.keys(CASES).sort());
		expect(folders.length).toBeGreaterThanOrEqual(20);
	});

	for (const [name, expected] of Object.entries(CASES)) {
		it(`${name}: ${expected.fragment}`, async () => {
			const dir = join(BAD, name);
			const { problems, count } = await problemsOf(dir);
			expect(count).toBe(1);
			const [problem] = problems;
			expect(problem).toBeDefined();
			expect(problem!.file).toBe(join(dir, expected.file));
			expect(problem!.line).toBe(expected.line);
			expect(problem!.column).toBe(expected.column);
			expect(problem!.message).toContain(expected.fragment);
			expect(problem!.message).toMatch(REMEDY);
			expect(problem!.message.endsWith(".")).toBe(true);
			const where = `${expected.line}${expected.column === undefined ? "" : `:${expected.column}`}`;
			expect(formatProblem(problem!)).toBe(`${join(dir, expected.file)}:${where}: ${problem!.message}`);
		});
	}
});
