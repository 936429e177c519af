/**
 * The wizard's first reading: the folder's CSV files and any checkpoint of an unfinished import,
 * or, when the command line fixed the files, the checkpoint they would resume. Apart from the
 * root (App.tsx), which owns the lifecycle and shows the step: one effect that reads the disk
 * and tells the wizard what it found.
 */

import { join } from "node:path";
import { useEffect } from "react";
import { listCheckpoints, listCsvFiles } from "../model/files.js";
import type { WizardAction } from "../model/wizard-state.js";
import type { CheckpointInfo, UiServices, WizardPrefill } from "../services.js";

function damagedInfo(path: string, error: unknown): CheckpointInfo {
	const none = { done: 0, failed: 0, total: 0 };
	return {
		path,
		runId: "",
		keyFingerprint: "",
		updatedAt: "",
		sources: { customers: undefined, contacts: undefined, onboardings: undefined },
		counts: { customers: none, contacts: none, onboardings: none },
		isFinished: false,
		damaged: error instanceof Error ? error.message : String(error),
	};
}

export function useFolderReading(
	services: Pick<UiServices, "folder" | "settings" | "readCheckpoint">,
	prefill: WizardPrefill | undefined,
	dispatch: (action: WizardAction) => void,
): void {
	const { folder, settings } = services;
	// The folder: its CSV files, and any checkpoint of an unfinished import.
	useEffect(() => {
		let isCancelled = false;
		if (prefill?.isFixed && prefill.customers) {
			const { customers, contacts, onboardings } = prefill;
			// The plan step says so when an earlier run of these files will be resumed.
			services
				.readCheckpoint(prefill.checkpointPath ?? `${customers}.checkpoint.json`)
				.catch(() => undefined)
				.then((found) => {
					if (isCancelled) return;
					dispatch({
						type: "files-fixed",
						files: { customers, ...(contacts ? { contacts } : {}), ...(onboardings ? { onboardings } : {}) },
						isFresh: prefill.fresh ?? false,
						resumeFrom: found && !prefill.fresh ? found : undefined,
						// A map given on the command line is used as it is; otherwise headers not ours are mapped here.
						isMapped: prefill.source?.map !== undefined,
					});
				});
			return () => {
				isCancelled = true;
			};
		}
		(async () => {
			settings.setLastFolder(folder);
			const [names, checkpointNames] = await Promise.all([listCsvFiles(folder), listCheckpoints(folder)]);
			// A checkpoint that cannot be read is shown as such, with starting over as the way on
			// (the plan step's advice names --fresh, which the wizard has not: finding U12).
			const found = await Promise.all(
				checkpointNames.map((name) =>
					services
						.readCheckpoint(join(folder, name))
						.catch((error: unknown) => damagedInfo(join(folder, name), error)),
				),
			);
			if (isCancelled) return;
			// Resumed with the files the wizard last synced into it (another export's), if any.
			const checkpoints = found
				.filter((c): c is CheckpointInfo => c !== undefined)
				.map((c) => {
					const files = settings.filesFor(c.path);
					return files?.customers === undefined
						? c
						: {
								...c,
								sources: {
									customers: files.customers,
									contacts: files.contacts,
									onboardings: files.onboardings,
								},
							};
				});
			dispatch({ type: "folder-read", names, checkpoints });
		})();
		return () => {
			isCancelled = true;
		};
	}, [folder, services, settings, prefill, dispatch]);
}
