import { copyFile, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMemorySettings } from "../config/settings.js";
import { type ScriptedFault, startSimulator } from "../sim/index.js";
import { readRecords } from "../source/index.js";
import { type InteractiveOptions, runInteractive } from "./interactive.js";

/** A paid-tier key the embedded simulator accepts: 600 requests a minute. */
export const DEMO_KEY = "pivotal_paid_demo_0000000000000001";

/** The terminal and environment, as for the wizard. */
export interface DemoOptions extends Pick<InteractiveOptions, "stdin" | "stdout" | "stderr" | "env"> {
	/** Folder of sample CSV files. @default the package's fixtures/ */
	readonly fixtures?: string;
	/** @default 600 */
	readonly rateLimit?: number;
	/** @default 60000 */
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
 * `pivotal-tui demo`: a simulator on loopback with a paid-tier limit and a few faults, a copy of
 * the sample files in a temporary folder (so the checkpoint lands there), and the wizard on top.
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
	const source = options.fixtures ?? packageFixtures();
	const folder = await mkdtemp(join(tmpdir(), "pivotal-tui-demo-"));
	const names = (await readdir(source)).filter((n) => n.toLowerCase().endsWith(".csv"));
	await Promise.all(names.map((n) => copyFile(join(source, n), join(folder, n))));
	const windowMs = options.windowMs ?? 60_000;
	const sim = await startSimulator({
		windowMs,
		keys: [{ key: DEMO_KEY, name: "demo import key", rateLimit: options.rateLimit ?? 600, tier: "paid" }],
		organization: { slug: "demo-workspace", name: "Demo Workspace (simulator)" },
		faults: { serverError: 0.02, latencyMinMs: 20, latencyMaxMs: 120 },
		scriptedFaults: await scriptedRejections(folder, names),
		seed: 7,
	});
	const pick = (re: RegExp) => names.find((n) => re.test(n));
	try {
		return await runInteractive({
			folder,
			baseUrl: sim.baseUrl,
			windowMs,
			env: { ...(options.env ?? process.env), PIVOTAL_API_KEY: DEMO_KEY },
			// The demo never touches the user's settings file.
			settings: createMemorySettings(),
			banner: `Demo: a local Pivotal simulator at ${sim.baseUrl} (600 requests/min, 2% server errors), sample files copied to ${folder}.`,
			prefill: {
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
