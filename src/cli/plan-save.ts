/**
 * The end of `import … --dry-run`: the plan saved for `apply` when `--plan-out` asks (see
 * `core/plan/write-plan-file.ts`), and the exit code `--detailed-exitcode` asks for. Loaded only
 * by a dry run.
 */

import type { OpenedImport } from "../app/open-import.js";
import type { PlannedImport } from "../app/plan-import.js";
import { savePlanFile } from "../app/save-plan.js";
import type { CheckpointData } from "../core/checkpoint/index.js";
import { EXIT } from "../core/exit-codes.js";
import { hasChanges, type PlanHead } from "../core/plan/plan-file.js";
import { planCounts } from "../core/plan/plan-operations.js";
import { PASSES } from "../model/records.js";
import { hostOf } from "../report/run-report.js";
import type { CommandIo, ImportFlags } from "./import-command.js";

/**
 * The workspace a plan is made for: the state's, or else the key's (one `GET /me`, a read) when
 * a key is set. Undefined when neither is known: `apply` then checks only the server.
 */
export async function planWorkspace(
	state: CheckpointData | undefined,
	baseUrl: string,
	apiKey: string | undefined,
): Promise<{ id: string; name: string } | undefined> {
	if (state?.header.workspace) return state.header.workspace;
	if (!apiKey) return undefined;
	// Loaded here, not at start-up: a dry run without a key sends nothing (see connect-keys.ts).
	const { createClient } = await import("../api/client.js");
	const client = createClient({ baseUrl, apiKey, timeouts: { headersMs: 10_000, bodyMs: 10_000 } });
	try {
		const me = await client.me();
		return { id: me.data.organization.id, name: me.data.organization.name };
	} catch {
		// The dry run needs no key; the apply checks the key's workspace itself.
		return undefined;
	} finally {
		await client.close();
	}
}

export interface SavePlanInput {
	readonly flags: Pick<ImportFlags, "planOut" | "detailedExitcode">;
	readonly opened: OpenedImport;
	readonly planned: PlannedImport;
	readonly io: CommandIo;
	readonly keys: readonly { readonly secret: string }[];
	readonly say: (text: string) => void;
}

/** The end of a dry run: the plan saved when asked, and its exit code. */
export async function savePlan(input: SavePlanInput): Promise<number> {
	const { flags, io, opened, planned } = input;
	const { plan } = planned;
	if (io.report) Object.assign(io.report, { dryRun: true, plan, host: hostOf(opened.baseUrl) ?? "" });
	if (flags.planOut) {
		const workspace = await planWorkspace(opened.state, opened.baseUrl, input.keys[0]?.secret);
		await savePlanFile(flags.planOut, opened, planned, { workspace });
		if (io.report) {
			io.report.planFile = flags.planOut;
			if (workspace) io.report.workspace = workspace.name;
		}
		input.say(`Plan saved to ${flags.planOut}; after review: pivotal-tui apply ${flags.planOut}`);
	}
	const counts = Object.fromEntries(
		PASSES.map((pass) => [pass, planCounts(plan.passes[pass])]),
	) as PlanHead["counts"];
	return flags.detailedExitcode && hasChanges(counts) ? EXIT.planHasChanges : EXIT.ok;
}
