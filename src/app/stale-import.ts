/**
 * Is an opened and planned import still the one its plan was made from when a library caller
 * applies it? The files, the map and the state are read again before any key is used: one
 * changed since `openImport` is refused as the command line refuses a stale plan (exit 2, the
 * file named), rather than a run that starts and then rejects (adversarial finding N3). The run
 * checks the state once more under its lock (`expectState`), where a run between this check and
 * its opening would otherwise slip through.
 */

import { EXIT } from "../core/exit-codes.js";
import { stateFingerprint } from "../core/plan/state-fingerprint.js";
import { firstChangedFile } from "../core/source-hash.js";
import { PASSES } from "../model/records.js";
import { loadMap, mapFingerprints, type SourceMap } from "../source/index.js";
import type { OpenedImport } from "./open-import.js";
import { type Refusal, refusal } from "./outcome.js";
import { readStateHeld, stateHeldBy } from "./read-state.js";

type Inputs = Pick<
	OpenedImport,
	"files" | "source" | "check" | "mapPath" | "state" | "statePath" | "database" | "fresh"
>;

/** The state the plan was made against, as the run's opening compares it; undefined: not checked (`fresh`). */
export function stateSeenBy(opened: Pick<OpenedImport, "state" | "fresh">): string | undefined {
	return opened.fresh ? undefined : stateFingerprint(opened.state);
}

/** Why `opened` can no longer be applied as planned, or undefined when its inputs are as they were. */
export async function staleImportRefusal(opened: Inputs): Promise<Refusal | undefined> {
	const file = await firstChangedFile(opened.files, opened.check);
	if (file !== undefined) return stale(`the file ${file}`);
	if (opened.mapPath !== undefined && !(await isMapAsRead(opened.mapPath, opened.source.map)))
		return stale(`the map ${opened.mapPath}`);
	const seen = stateSeenBy(opened);
	// Set aside by the run (`fresh`): only whether another run holds it matters.
	if (seen === undefined) return opened.database ? undefined : stateHeldBy(opened.statePath);
	const now = await readStateHeld(opened.statePath, opened.database);
	// A state another run holds (exit 6: its sentence says nothing was sent) or that can no
	// longer be read is refused as it is.
	if (!now.ok) return now.code === EXIT.locked ? now : refusal(`${now.message} Nothing was sent.`, now.code);
	return stateFingerprint(now.value) === seen ? undefined : stale(`the state ${opened.statePath}`);
}

function stale(what: string): Refusal {
	return refusal(
		`stale plan: ${what} changed since the import was planned; open and plan it again. Nothing was sent.`,
		EXIT.usage,
	);
}

/** The map file still gives the sections the files were read through. */
async function isMapAsRead(path: string, used: SourceMap | undefined): Promise<boolean> {
	const loaded = await loadMap(path).catch(() => undefined);
	if (loaded === undefined || !loaded.ok) return false;
	const before = mapFingerprints(used);
	const now = mapFingerprints(loaded.map);
	return PASSES.every((pass) => before[pass] === now[pass]);
}
