import { copyFile, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMemorySettings } from "../config/settings.js";
import { type ScriptedFault, startSimulator } from "../sim/index.js";
import { readRecords } from "../source/index.js";
import { type InteractiveOptions, runInteractive } from "./interactive.js";

/** A key the embedded simulator accepts. */
export const DEMO_KEY = "pivotal_paid_demo_0000000000000001";

/**
 * The simulator's settings that make the demo's pace: the sample files' ~490 requests at 125
 * per 10 s window are four windows, about 45 s, each spent in a few seconds and then waited
 * out (the window filling and refilling, time to press p). Answers take 40–200 ms and one in
 * twenty takes 2.5 s more, so the in-flight table shows ages; 3 % of creates fail with a 500
 * and one in a hundred connections drops, and are retried. The plan step offers 8 requests in
 * flight (the user can change it there). The engine is not told any of it:
 * it learns the window as it would from Pivotal.
 */
export const DEMO_PACE = {
	rateLimit: 125,
	windowMs: 10_000,
	/** The plan step's starting concurrency: enough that slow answers do not leave the window unspent. */
	concurrency: 8,
	faults: {
		serverError: 0.03,
		reset: 0.01,
		latencyMinMs: 40,
		latencyMaxMs: 200,
		tailProbability: 0.05,
		tailMs: 2_500,
	},
} as const;

/** The terminal and environment, as for the wizard. */
export interface DemoOptions extends Pick<InteractiveOptions, "stdin" | "stdout" | "stderr" | "env"> {
	/** Folder of sample CSV files. @default the package's fixtures/ */
	readonly fixtures?: string;
	/** Requests per window. @default DEMO_PACE.rateLimit (125) */
	readonly rateLimit?: number;
	/** The simulator's window. @default DEMO_PACE.windowMs (10 s) */
	readonly windowMs?: number;
}

/** The package's fixtures/, from dist/src/cli (built) or src/cli (ts sources). */
function packageFixtures(): string {
	const here = fileURLToPath(new URL(".", import.meta.url));
	return here.includes(`${join("dist", "src")}`)
		? fileURLToPath(new URL("../../../fixtures/", import.meta.url))
		: fileURLToPath(new URL("../../fixtures/", import.meta.url));
}

/** A few rows the simulator rejects, so the failures screen has something to show. */
async function scriptedRejections(folder: string, names: readonly string[]): Promise<ScriptedFault[]> {
	const faults: ScriptedFault[] = [];
	const customers = names.find((n) => /customer/i.test(n)) ?? names[0];
	if (customers) {
		let row = 0;
		for await (const record of readRecords(join(folder, customers), "customers")) {
			row += 1;
			if (row !== 7 && row !== 23) continue;
			faults.push({
				method: "POST",
				route: "/customers",
				match: { "metadata.external_id": record.key },
				status: 400,
				code: "invalid_domain",
				field: "domain",
				message: "domain is on this workspace's block list (a demo rejection).",
			});
			if (row >= 23) break;
		}
	}
	const contacts = names.find((n) => /contact/i.test(n));
	if (contacts) {
		let row = 0;
		for await (const record of readRecords(join(folder, contacts), "contacts")) {
			row += 1;
			if (row !== 11) continue;
			faults.push({
				method: "POST",
				route: "/customers/:id/contacts",
				match: { email: String(record.body.email ?? "") },
				status: 400,
				code: "invalid_email",
				field: "email",
				message: "email's domain does not accept mail (a demo rejection).",
			});
			break;
		}
	}
	return faults;
}

/**
 * `pivotal-tui demo`: a simulator on loopback paced by DEMO_PACE, a copy of the sample files in
 * a temporary folder (so the checkpoint lands there), and the wizard on top.
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
	const source = options.fixtures ?? packageFixtures();
	const folder = await mkdtemp(join(tmpdir(), "pivotal-tui-demo-"));
	const names = (await readdir(source)).filter((n) => n.toLowerCase().endsWith(".csv"));
	await Promise.all(names.map((n) => copyFile(join(source, n), join(folder, n))));
	const windowMs = options.windowMs ?? DEMO_PACE.windowMs;
	const rateLimit = options.rateLimit ?? DEMO_PACE.rateLimit;
	const { faults } = DEMO_PACE;
	const sim = await startSimulator({
		windowMs,
		keys: [{ key: DEMO_KEY, name: "demo import key", rateLimit, tier: "paid" }],
		organization: { slug: "demo-workspace", name: "Demo Workspace (simulator)" },
		faults,
		scriptedFaults: await scriptedRejections(folder, names),
		seed: 7,
	});
	const pick = (re: RegExp) => names.find((n) => re.test(n));
	try {
		return await runInteractive({
			folder,
			baseUrl: sim.baseUrl,
			// No window given: the engine learns it from the headers, as against Pivotal.
			// Its state is a file in the demo's folder, whatever database the user's schedule syncs to.
			env: {
				...(options.env ?? process.env),
				PIVOTAL_API_KEY: DEMO_KEY,
				PIVOTAL_WINDOW_SECONDS: undefined,
				PIVOTAL_STATE_URL: undefined,
			},
			// The demo never touches the user's settings file.
			settings: createMemorySettings(),
			banner: `Demo: a local Pivotal simulator at ${sim.baseUrl} (${rateLimit} requests per ${windowMs / 1000} s, answers in ${faults.latencyMinMs}–${faults.latencyMaxMs} ms, ${faults.tailProbability * 100}% take ${faults.tailMs / 1000} s more, ${faults.serverError * 100}% server errors), sample files copied to ${folder}.`,
			prefill: {
				concurrency: DEMO_PACE.concurrency,
				...optional("customers", pick(/customer/i)),
				...optional("contacts", pick(/contact/i)),
				...optional("onboardings", pick(/onboard/i)),
			},
			...(options.stdin ? { stdin: options.stdin } : {}),
			...(options.stdout ? { stdout: options.stdout } : {}),
			...(options.stderr ? { stderr: options.stderr } : {}),
		});
	} finally {
		await sim.close();
	}
}

function optional<K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> {
	return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}
