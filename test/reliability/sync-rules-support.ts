/**
 * A sync scenario for `--delete-missing` and `--keep-pivotal-edits` under faults: customers (a few
 * made in Pivotal by hand before the import, so adopted) with a contact each, imported once;
 * then fields edited through the API, rows changed in the export and rows removed from it. The
 * expectations are computed up front, so a test only runs the sync and compares.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "../../src/api/client.js";
import type { SourceFiles } from "../../src/core/run-types.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/sim/index.js";
import { TEST_KEY } from "../support/import-harness.js";
import { tempDir } from "../support/temp-dirs.js";

export interface Scenario {
	readonly sim: Simulator;
	readonly files: SourceFiles;
	/** Customers this import created whose rows are removed: they and their contacts must go. */
	readonly goneIds: ReadonlySet<string>;
	/** Every other record's id: none of them may be deleted. */
	readonly stayIds: ReadonlySet<string>;
	/** Field values every customer still in the files must hold after the sync, by external id. */
	readonly expected: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
	/** Customers with fields edited in Pivotal, and those fields. */
	readonly edited: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

export interface ScenarioOptions {
	readonly customers: number;
	/** The first `adopted` customers are made by hand before the import. */
	readonly adopted: number;
	/** The last `removed` customers (created by the import) are removed from the files, and 2 adopted ones. */
	readonly removed: number;
	readonly sim?: Partial<SimulatorOptions>;
	/** Imports the first version of the files (the engine in-process, or the binary). */
	readonly importFirst: (sim: Simulator, files: SourceFiles) => Promise<void>;
}

const HEADER = "external_id,name,slug,domain,status,plan,mrr";

function row(i: number, over: { plan?: string; mrr?: number } = {}): string {
	return [
		`c-${i}`,
		`Customer ${i}`,
		`customer-${i}`,
		`c${i}.example`,
		"active",
		over.plan ?? "starter",
		over.mrr ?? 1000,
	].join(",");
}

/** Every third customer changes plan and mrr; every fifth (from 6 on) has plan and domain edited in Pivotal. */
const isChanged = (i: number) => i % 3 === 0;
const isEdited = (i: number, adopted: number) => i > adopted && i % 5 === 0;

export async function scenario(options: ScenarioOptions): Promise<Scenario> {
	const sim = await startSimulator({ port: 0, rateLimit: 100_000, ...options.sim });
	const dir = tempDir();
	const files = { customers: join(dir, "customers.csv"), contacts: join(dir, "contacts.csv") };
	const n = options.customers;
	const client = createClient({ baseUrl: sim.baseUrl, apiKey: TEST_KEY });
	try {
		for (let i = 1; i <= options.adopted; i++) {
			await client.createCustomer(
				JSON.stringify({ name: `Customer ${i}`, slug: `customer-${i}`, metadata: { external_id: `c-${i}` } }),
				`by-hand-${i}`,
			);
		}
		const contactRows = (upTo: number) =>
			Array.from({ length: upTo - options.adopted }, (_, k) => {
				const i = k + options.adopted + 1;
				return `c-${i},Person ${i},p${i}@c${i}.example,Lead`;
			});
		const all = Array.from({ length: n }, (_, k) => k + 1);
		writeFileSync(files.customers, `${HEADER}\n${all.map((i) => row(i)).join("\n")}\n`);
		writeFileSync(files.contacts, `customer_external_id,name,email,title\n${contactRows(n).join("\n")}\n`);
		await options.importFirst(sim, files);

		const byExternal = new Map(
			sim.state().customers.map((c) => [(c.metadata as Record<string, unknown>).external_id as string, c]),
		);
		const edited = new Map<string, Record<string, unknown>>();
		for (const i of all) {
			if (!isEdited(i, options.adopted)) continue;
			const fields = { plan: "growth", domain: `edited${i}.example` };
			await client.updateRecord("customers", String(byExternal.get(`c-${i}`)?.id), JSON.stringify(fields));
			edited.set(`c-${i}`, fields);
		}
		// The export: the last `removed` rows and two adopted ones gone, every third row changed.
		const keptRows = all.filter((i) => i <= n - options.removed && i > 2);
		writeFileSync(
			files.customers,
			`${HEADER}\n${keptRows.map((i) => row(i, isChanged(i) ? { plan: "enterprise", mrr: 2000 + i } : {})).join("\n")}\n`,
		);
		writeFileSync(
			files.contacts,
			`customer_external_id,name,email,title\n${contactRows(n - options.removed).join("\n")}\n`,
		);
		const goneIds = new Set<string>();
		const stayIds = new Set<string>();
		const state = sim.state();
		const contactOf = new Map(state.contacts.map((c) => [String(c.customer_id), String(c.id)]));
		for (const [external, c] of byExternal) {
			const i = Number(external.slice(2));
			const isGone = i > n - options.removed;
			const ids = [String(c.id), contactOf.get(String(c.id))].filter((id): id is string => id !== undefined);
			for (const id of ids) (isGone ? goneIds : stayIds).add(id);
		}
		const expected = new Map<string, Record<string, unknown>>();
		for (const i of keptRows) {
			const changed = isChanged(i);
			expected.set(`c-${i}`, {
				name: `Customer ${i}`,
				slug: `customer-${i}`,
				status: "active",
				domain: isEdited(i, options.adopted) ? `edited${i}.example` : `c${i}.example`,
				plan: isEdited(i, options.adopted) ? "growth" : changed ? "enterprise" : "starter",
				mrr: changed ? 2000 + i : 1000,
				deleted: false,
			});
		}
		return { sim, files, goneIds, stayIds, expected, edited };
	} finally {
		await client.close();
	}
}

export interface Verdict {
	/** Records made more than once (customers by external id, contacts by e-mail). */
	readonly duplicates: number;
	/** Records deleted that should have stayed (adopted, or still in the files). */
	readonly wronglyDeleted: number;
	/** Records that should have gone and are still live. */
	readonly notDeleted: number;
	/** Fields edited in Pivotal that the sync overwrote. */
	readonly clobbered: number;
	/** Fields of the customers still in the files that differ from what they should hold. */
	readonly wrong: readonly string[];
}

export function verdict(s: Scenario): Verdict {
	const state = s.sim.state();
	const all = [...state.customers, ...state.contacts];
	const deleted = new Set(all.filter((r) => r.deleted).map((r) => String(r.id)));
	const live = (rows: Array<Record<string, unknown>>) => rows.filter((r) => !r.deleted);
	const externals = live(state.customers).map((c) => (c.metadata as Record<string, unknown>).external_id);
	const emails = live(state.contacts).map((c) => c.email);
	const duplicates = externals.length - new Set(externals).size + (emails.length - new Set(emails).size);
	const wrong: string[] = [];
	let clobbered = 0;
	for (const [external, fields] of s.expected) {
		const found = live(state.customers).find(
			(c) => (c.metadata as Record<string, unknown>).external_id === external,
		);
		for (const [field, value] of Object.entries(fields)) {
			if (found?.[field] !== value)
				wrong.push(`${external}.${field}: ${String(found?.[field])} ≠ ${String(value)}`);
		}
		for (const [field, value] of Object.entries(s.edited.get(external) ?? {}))
			if (found?.[field] !== value) clobbered += 1;
	}
	return {
		duplicates,
		wronglyDeleted: [...s.stayIds].filter((id) => deleted.has(id)).length,
		notDeleted: [...s.goneIds].filter((id) => !deleted.has(id)).length,
		clobbered,
		wrong,
	};
}

export interface RulesMatrixRow extends Omit<Verdict, "wrong"> {
	readonly case: string;
	readonly runs: number;
	readonly faults: number;
	readonly deletes: number;
	readonly kept: number;
}

const rows: RulesMatrixRow[] = [];

export function recordRulesRow(row: RulesMatrixRow): void {
	rows.push(row);
}

/** For `afterAll`: the rows as a Markdown table (the README's fault matrix for the sync rules). */
export function printRulesMatrix(): void {
	if (rows.length === 0) return;
	const lines = [
		"| case | runs | faults met | DELETEs done | fields kept | duplicates | deleted that should stay | not deleted | clobbered |",
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|",
		...rows.map(
			(r) =>
				`| ${r.case} | ${r.runs} | ${r.faults} | ${r.deletes} | ${r.kept} | ${r.duplicates} | ${r.wronglyDeleted} | ${r.notDeleted} | ${r.clobbered} |`,
		),
	];
	console.log(`\n${lines.join("\n")}\n`);
}
