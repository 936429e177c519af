/**
 * A plan saved as a file, to be reviewed and then applied exactly as it is (`openPlan`,
 * `applyPlan`): its operations with before → after, the fingerprints of the files, map and state
 * it was made from, the server and workspace, and never a key.
 */

import { writePlanFile } from "../core/plan/write-plan-file.js";
import type { OpenedImport } from "./open-import.js";
import type { PlannedImport } from "./plan-import.js";

export interface SavePlanOptions {
	/** The workspace the plan is for: the state's, else the key's, else unknown (then only the server is checked). */
	readonly workspace?: { readonly id: string; readonly name: string } | undefined;
	/** @default Date.now */
	readonly now?: (() => number) | undefined;
}

export function savePlanFile(
	path: string,
	opened: OpenedImport,
	planned: PlannedImport,
	options: SavePlanOptions = {},
): Promise<void> {
	return writePlanFile({
		planOut: path,
		files: opened.files,
		check: opened.check,
		source: opened.source,
		mapPath: opened.mapPath,
		state: opened.state,
		statePath: opened.statePath,
		// A database state is named in the plan, never its URL.
		stateName: opened.database?.name,
		baseUrl: opened.baseUrl,
		workspace: options.workspace ?? opened.state?.header.workspace,
		options: { retryFailed: planned.retryFailed, recreate: planned.recreate },
		rules: planned.rules,
		plan: planned.plan,
		...(options.now ? { now: options.now } : {}),
	});
}
