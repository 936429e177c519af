/**
 * Deterministic CSV datasets for tests and benchmarks: the same seed always writes the same bytes.
 * Rows are written in batches through a write stream that honours backpressure, so a million
 * customers cost a few megabytes of memory, not the whole file.
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ONBOARDING_PHASES } from "../../src/source/index.js";

export interface GenerateOptions {
	/** Folder that receives `customers.csv`, `contacts.csv` and `onboardings.csv` (created if missing). */
	readonly dir: string;
	/** Number of customer rows. */
	readonly customers: number;
	/**
	 * Contacts written for every customer (exactly this many each; the first is the primary).
	 * @default 2
	 */
	readonly contactsPerCustomer?: number;
	/**
	 * Onboardings written for every customer (exactly this many each).
	 * @default 1
	 */
	readonly onboardingsPerCustomer?: number;
	/**
	 * Seed of the pseudo-random choices; the same seed gives byte-identical files.
	 * @default 1
	 */
	readonly seed?: number;
	/**
	 * `true`: every customer has a slug; `"some"`: about half do (the other cells are empty);
	 * `false`: the slug column is left out.
	 * @default true
	 */
	readonly withSlugs?: boolean | "some";
}

export interface GeneratedDataset {
	readonly customers: string;
	readonly contacts: string;
	readonly onboardings: string;
}

const PREFIXES = [
	"Aurora",
	"Bright",
	"Cobalt",
	"Delta",
	"Evergreen",
	"Fathom",
	"Granite",
	"Harbor",
	"Indigo",
	"Juniper",
	"Keystone",
	"Lumen",
	"Meridian",
	"Northwind",
	"Orchard",
	"Pinnacle",
	"Quarry",
	"Redwood",
	"Summit",
	"Tidal",
	"Umber",
	"Vantage",
	"Willow",
	"Xenon",
	"Yellowtail",
	"Zephyr",
	"Atlas",
	"Beacon",
	"Cascade",
	"Driftwood",
	"Ember",
	"Falcon",
];
const SUFFIXES = [
	"Labs",
	"Logistics",
	"Health",
	"Analytics",
	"Foods",
	"Robotics",
	"Energy",
	"Capital",
	"Studios",
	"Systems",
	"Outfitters",
	"Markets",
	"Freight",
	"Software",
	"Pharma",
	"Retail",
	"Media",
	"Mobility",
	"Insurance",
	"Biotech",
];
const PLANS = ["starter", "growth", "business", "enterprise"];
const STATUSES = ["onboarding", "active", "active", "active", "at_risk", "churned", "archived"];
const SEGMENTS = ["smb", "mid-market", "enterprise"];
const REGIONS = ["na", "emea", "apac", "latam"];
const FIRST = [
	"Ada",
	"Ben",
	"Chloé",
	"Dmitri",
	"Emma",
	"Farah",
	"Gabriel",
	"Hana",
	"Ivan",
	"Jia",
	"Kofi",
	"Lena",
	"Mateo",
	"Nora",
	"Omar",
	"Priya",
	"Quinn",
	"Rosa",
	"Sven",
	"Tomás",
];
const LAST = [
	"Okafor",
	"Lindqvist",
	"Nakamura",
	"García",
	"Schmidt",
	"O'Brien",
	"Kowalski",
	"Haddad",
	"Rossi",
	"Chen",
	"Dubois",
	"Novak",
	"Patel",
	"Silva",
	"Moreau",
	"Jensen",
];
const TITLES = ["VP Operations", "Head of Customer Success", "CTO", "Project Manager", "Office Manager", ""];
const LABELS = ["billing", "technical", "executive", "champion", "legal"];
const PHASES = ONBOARDING_PHASES;
const STATES = ["active", "active", "paused", "at_risk", "waiting"];

// 32-bit mulberry: tiny, fast and good enough for picking words; not for anything secret.
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function pick<T>(random: () => number, list: readonly T[]): T {
	return list[Math.floor(random() * list.length)] as T;
}

function csvCell(value: string): string {
	// Quote only when needed, as spreadsheet exports do, so files look like the real thing.
	if (/[",\r\n]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
	return value;
}

function row(cells: readonly string[]): string {
	return `${cells.map(csvCell).join(",")}\n`;
}

function slugify(text: string): string {
	return text
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "");
}

/** Name of customer `i`: unique across the whole dataset, so slugs derived from it are unique too. */
function companyName(i: number): string {
	const combos = PREFIXES.length * SUFFIXES.length;
	// 7 is coprime with 640, so the first `combos` customers get distinct pairs in a shuffled order.
	const c = (i * 7) % combos;
	const base = `${PREFIXES[c % PREFIXES.length]} ${SUFFIXES[Math.floor(c / PREFIXES.length)]}`;
	const round = Math.floor(i / combos);
	return round === 0 ? base : `${base} ${round + 1}`;
}

function pad(n: number, width: number): string {
	return String(n).padStart(width, "0");
}

function date2027(random: () => number): string {
	const month = 1 + Math.floor(random() * 12);
	const day = 1 + Math.floor(random() * 28);
	return `2027-${pad(month, 2)}-${pad(day, 2)}`;
}

class BatchedWriter {
	readonly #stream;
	#buffer = "";
	constructor(path: string) {
		this.#stream = createWriteStream(path);
	}
	async add(text: string): Promise<void> {
		this.#buffer += text;
		// Flushing ~64 KiB at a time keeps syscalls few and memory flat.
		if (this.#buffer.length >= 65_536) await this.flush();
	}
	async flush(): Promise<void> {
		if (this.#buffer.length === 0) return;
		const ok = this.#stream.write(this.#buffer);
		this.#buffer = "";
		if (!ok) await once(this.#stream, "drain");
	}
	async close(): Promise<void> {
		await this.flush();
		this.#stream.end();
		await once(this.#stream, "close");
	}
}

/** Writes a customers/contacts/onboardings dataset that validates clean, and returns the three paths. */
export async function generateDataset(options: GenerateOptions): Promise<GeneratedDataset> {
	const {
		dir,
		customers,
		contactsPerCustomer = 2,
		onboardingsPerCustomer = 1,
		seed = 1,
		withSlugs = true,
	} = options;
	await mkdir(dir, { recursive: true });
	const paths: GeneratedDataset = {
		customers: join(dir, "customers.csv"),
		contacts: join(dir, "contacts.csv"),
		onboardings: join(dir, "onboardings.csv"),
	};
	const random = mulberry32(seed);
	const cw = new BatchedWriter(paths.customers);
	const pw = new BatchedWriter(paths.contacts);
	const ow = new BatchedWriter(paths.onboardings);
	const hasSlugColumn = withSlugs !== false;
	await cw.add(
		row([
			"external_id",
			"name",
			...(hasSlugColumn ? ["slug"] : []),
			"domain",
			"status",
			"plan",
			"mrr",
			"hubspot_company_id",
			"metadata.segment",
			"metadata.region",
		]),
	);
	await pw.add(row(["customer_external_id", "name", "email", "title", "is_primary", "labels"]));
	await ow.add(
		row([
			"customer_external_id",
			"name",
			"target_launch_date",
			"phase",
			"state",
			"notes",
			"waiting_on_customer",
		]),
	);
	const idWidth = Math.max(6, String(customers).length);
	for (let i = 0; i < customers; i++) {
		const externalId = `cus_${pad(i + 1, idWidth)}`;
		const name = companyName(i);
		const slug = slugify(name);
		const domain = `${slug.replaceAll("-", "")}.com`;
		const slugCell = withSlugs === "some" ? (random() < 0.5 ? slug : "") : slug;
		const plan = pick(random, PLANS);
		await cw.add(
			row([
				externalId,
				name,
				...(hasSlugColumn ? [slugCell] : []),
				domain,
				pick(random, STATUSES),
				plan,
				String(Math.floor(random() * 5_000) * 1_000),
				String(1_000_000 + i),
				pick(random, SEGMENTS),
				random() < 0.8 ? pick(random, REGIONS) : "",
			]),
		);
		for (let k = 0; k < contactsPerCustomer; k++) {
			const first = pick(random, FIRST);
			const last = pick(random, LAST);
			const local = slugify(`${first}.${last}`).replaceAll("-", ".");
			const labels = LABELS.filter(() => random() < 0.25).join(random() < 0.5 ? ";" : "|");
			await pw.add(
				row([
					externalId,
					`${first} ${last}`,
					`${local}${k === 0 ? "" : k + 1}@${domain}`,
					pick(random, TITLES),
					k === 0 ? "true" : random() < 0.5 ? "false" : "",
					labels,
				]),
			);
		}
		for (let k = 0; k < onboardingsPerCustomer; k++) {
			const state = pick(random, STATES);
			await ow.add(
				row([
					externalId,
					k === 0 ? `${name} rollout` : `${name} rollout ${k + 1}`,
					random() < 0.9 ? date2027(random) : "",
					pick(random, PHASES),
					state,
					random() < 0.3 ? "Kick-off call booked, waiting on SSO details" : "",
					state === "waiting" ? "true" : "false",
				]),
			);
		}
	}
	await Promise.all([cw.close(), pw.close(), ow.close()]);
	return paths;
}
