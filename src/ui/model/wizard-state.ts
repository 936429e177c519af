/**
 * The wizard as a value: which step shows, and the choices made so far. A pure reducer over
 * one action union, so every step's way forward and back is a table test, not a screen test.
 */

import type { SyncPlan } from "../../core/plan/make-plan.js";
import type { SyncRules } from "../../core/plan/sync-rules.js";
import type { SourceFiles } from "../../core/run-types.js";
import type { PassName } from "../../model/records.js";
import type { SourceMap, SourceOptions } from "../../source/index.js";
import type { KeyReady } from "../screens/KeyStep.js";
import type { ResumeChoice } from "../screens/ResumeStep.js";
import type { CheckpointInfo, SourceCheck, UndoPreview } from "../services.js";

/** The plan step's validation of the files, then (when every row is valid) the sync plan. */
export type PlanCheck =
	| { readonly kind: "checking" }
	| { readonly kind: "checked"; readonly check: SourceCheck; readonly plan?: SyncPlan | undefined }
	| { readonly kind: "error"; readonly message: string }
	/** Another run holds the state (its lock): nothing can start until it ends (exit 6). */
	| { readonly kind: "held"; readonly message: string };

/** The undo step's plan, read from the state once the user asks for it. */
export type UndoCheck =
	| { readonly kind: "checking" }
	| { readonly kind: "checked"; readonly preview: UndoPreview }
	| { readonly kind: "error"; readonly message: string };

export type Stage =
	| { readonly kind: "loading" }
	| { readonly kind: "resume"; readonly checkpoints: readonly CheckpointInfo[] }
	| { readonly kind: "file"; readonly pass: PassName; readonly error?: string }
	/** A workbook was chosen for `pass`: which of its sheets. */
	| {
			readonly kind: "sheet";
			readonly pass: PassName;
			readonly file: string;
			readonly sheets: readonly string[];
	  }
	| { readonly kind: "mapping" }
	| { readonly kind: "key" }
	| { readonly kind: "plan"; readonly check: PlanCheck }
	/** An import or an undo is running, or shows its summary (the session holds it). */
	| { readonly kind: "run" }
	| { readonly kind: "undo"; readonly check: UndoCheck }
	| { readonly kind: "failed"; readonly message: string };

export interface WizardState {
	readonly stage: Stage;
	/** CSV files in the folder, for the file step. */
	readonly names: readonly string[];
	readonly files: Readonly<Partial<Record<PassName, string>>>;
	/** The checkpoint chosen on the resume step (or found beside fixed files). */
	readonly resumeFrom?: CheckpointInfo | undefined;
	/** The folder's checkpoints, when it has any: Esc on the customers file step goes back to them. */
	readonly checkpoints?: readonly CheckpointInfo[] | undefined;
	/** Start over: the state is set aside. */
	readonly isFresh: boolean;
	readonly key?: KeyReady | undefined;
	/** How the files are read: `--map` etc. from the command line, or the mapping step's map. */
	readonly source?: SourceOptions | undefined;
	/** The sync rules the plan step's toggles chose (remembered per import). */
	readonly rules?: SyncRules | undefined;
	/** How the command line said to read them: what going back to the files returns to. */
	readonly givenSource?: SourceOptions | undefined;
}

export type WizardAction =
	| {
			readonly type: "folder-read";
			readonly names: readonly string[];
			readonly checkpoints: readonly CheckpointInfo[];
	  }
	/** Files given on the command line: straight to the mapping (or, with `--map`, the key). */
	| {
			readonly type: "files-fixed";
			readonly files: Readonly<Partial<Record<PassName, string>>>;
			readonly isFresh: boolean;
			readonly resumeFrom?: CheckpointInfo | undefined;
			readonly isMapped: boolean;
	  }
	| { readonly type: "resume-chosen"; readonly choice: ResumeChoice }
	/** `path` undefined: an optional file left out. */
	| { readonly type: "file-chosen"; readonly pass: PassName; readonly path: string | undefined }
	| { readonly type: "file-missing"; readonly pass: PassName; readonly path: string }
	/** `error`: the file could not be read as what it was taken for (a workbook that is not one). */
	| { readonly type: "file-refused"; readonly pass: PassName; readonly error: string }
	| {
			readonly type: "sheets-read";
			readonly pass: PassName;
			readonly file: string;
			readonly sheets: readonly string[];
	  }
	/** Back from the sheet step to the file step of the same pass. */
	| { readonly type: "sheet-back"; readonly pass: PassName }
	| { readonly type: "file-back"; readonly pass: PassName }
	/** `encoding`: chosen on the encoding step before the mapping, when it was shown. */
	| { readonly type: "mapped"; readonly map: SourceMap | undefined; readonly encoding?: string | undefined }
	/** Back from the mapping or the key step: to the customers file. */
	| { readonly type: "to-files" }
	/** `rules`: those remembered for this import, offered again. */
	| { readonly type: "key-ready"; readonly key: KeyReady; readonly rules?: SyncRules | undefined }
	/** A toggle of the plan step flipped: the plan is made again under the new rules. */
	| { readonly type: "rules-changed"; readonly rules: SyncRules }
	| { readonly type: "plan-checked"; readonly check: SourceCheck; readonly plan?: SyncPlan | undefined }
	| { readonly type: "plan-failed"; readonly message: string }
	| { readonly type: "plan-held"; readonly message: string }
	| { readonly type: "plan-back" }
	| { readonly type: "run-started" }
	| { readonly type: "undo-asked" }
	| { readonly type: "undo-planned"; readonly preview: UndoPreview }
	| { readonly type: "undo-failed"; readonly message: string }
	/** Back from the undo step to the summary, or on to the undo's run. */
	| { readonly type: "to-run" }
	| { readonly type: "failed"; readonly message: string };

const NEXT_FILE: Readonly<Record<PassName, PassName | undefined>> = {
	customers: "contacts",
	contacts: "onboardings",
	onboardings: undefined,
};

const PREVIOUS_FILE: Readonly<Record<PassName, PassName>> = {
	customers: "customers",
	contacts: "customers",
	onboardings: "contacts",
};

export function initialWizard(source?: SourceOptions): WizardState {
	return { stage: { kind: "loading" }, names: [], files: {}, isFresh: false, source, givenSource: source };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
	const to = (stage: Stage): WizardState => ({ ...state, stage });
	switch (action.type) {
		case "folder-read":
			return {
				...state,
				names: action.names,
				checkpoints: action.checkpoints,
				stage:
					action.checkpoints.length > 0
						? { kind: "resume", checkpoints: action.checkpoints }
						: { kind: "file", pass: "customers" },
			};
		case "files-fixed":
			return {
				...state,
				files: action.files,
				isFresh: action.isFresh,
				resumeFrom: action.resumeFrom,
				stage: { kind: action.isMapped ? "key" : "mapping" },
			};
		case "resume-chosen": {
			const { choice } = action;
			if (choice.kind === "new")
				return {
					...state,
					resumeFrom: undefined,
					isFresh: false,
					stage: { kind: "file", pass: "customers" },
				};
			if (choice.kind === "other-files")
				return {
					...state,
					files: {},
					resumeFrom: choice.checkpoint,
					isFresh: false,
					stage: { kind: "file", pass: "customers" },
				};
			// A damaged checkpoint names no files: they are picked, and the state set aside (finding U12).
			if (choice.checkpoint.damaged !== undefined)
				return {
					...state,
					files: {},
					resumeFrom: choice.checkpoint,
					isFresh: true,
					stage: { kind: "file", pass: "customers" },
				};
			const files: Partial<Record<PassName, string>> = {};
			for (const [pass, path] of Object.entries(choice.checkpoint.sources) as [
				PassName,
				string | undefined,
			][])
				if (path) files[pass] = path;
			return {
				...state,
				files,
				resumeFrom: choice.checkpoint,
				isFresh: choice.kind === "fresh",
				stage: { kind: "mapping" },
			};
		}
		case "file-chosen": {
			const { [action.pass]: _dropped, ...rest } = state.files;
			const files = action.path === undefined ? rest : { ...state.files, [action.pass]: action.path };
			const next = NEXT_FILE[action.pass];
			return { ...state, files, stage: next ? { kind: "file", pass: next } : { kind: "mapping" } };
		}
		case "file-missing":
			return to({ kind: "file", pass: action.pass, error: missingFileError(action.path) });
		case "file-refused":
			return to({ kind: "file", pass: action.pass, error: action.error });
		case "sheets-read":
			return to({ kind: "sheet", pass: action.pass, file: action.file, sheets: action.sheets });
		case "sheet-back":
			return to({ kind: "file", pass: action.pass });
		case "file-back":
			// From the customers file, back to the folder's checkpoints (finding U13).
			if (action.pass === "customers")
				return (state.checkpoints?.length ?? 0) > 0
					? to({ kind: "resume", checkpoints: state.checkpoints ?? [] })
					: state;
			return to({ kind: "file", pass: PREVIOUS_FILE[action.pass] });
		case "mapped": {
			const encoding = action.encoding ?? state.source?.encoding;
			return {
				...state,
				source: { ...state.source, map: action.map, ...(encoding === undefined ? {} : { encoding }) },
				stage: { kind: "key" },
			};
		}
		case "to-files":
			// Other files may be in another code page: the encoding is asked again.
			return { ...state, source: state.givenSource, stage: { kind: "file", pass: "customers" } };
		case "key-ready":
			return {
				...state,
				key: action.key,
				...(action.rules ? { rules: action.rules } : {}),
				stage: { kind: "plan", check: { kind: "checking" } },
			};
		case "rules-changed":
			if (state.stage.kind !== "plan") return state;
			return { ...state, rules: action.rules, stage: { kind: "plan", check: { kind: "checking" } } };
		case "plan-checked":
			// A check that comes back after the user left the step is dropped.
			if (state.stage.kind !== "plan") return state;
			return to({ kind: "plan", check: { kind: "checked", check: action.check, plan: action.plan } });
		case "plan-failed":
			if (state.stage.kind !== "plan") return state;
			return to({ kind: "plan", check: { kind: "error", message: action.message } });
		case "plan-held":
			if (state.stage.kind !== "plan") return state;
			return to({ kind: "plan", check: { kind: "held", message: action.message } });
		case "plan-back":
			return to({ kind: "key" });
		case "run-started":
		case "to-run":
			return to({ kind: "run" });
		case "undo-asked":
			return to({ kind: "undo", check: { kind: "checking" } });
		case "undo-planned":
			if (state.stage.kind !== "undo") return state;
			return to({ kind: "undo", check: { kind: "checked", preview: action.preview } });
		case "undo-failed":
			if (state.stage.kind !== "undo") return state;
			return to({ kind: "undo", check: { kind: "error", message: action.message } });
		case "failed":
			return to({ kind: "failed", message: action.message });
	}
}

/** The chosen files as the engine takes them. */
export function sourceFilesOf(state: Pick<WizardState, "files">): SourceFiles {
	return {
		customers: state.files.customers ?? "",
		contacts: state.files.contacts,
		onboardings: state.files.onboardings,
	};
}

/** The state the run reads and writes: the resumed checkpoint, the one named on the command line, or beside the customers file. */
export function checkpointPathOf(
	state: Pick<WizardState, "files" | "resumeFrom">,
	named: string | undefined,
): string {
	return state.resumeFrom?.path ?? named ?? `${state.files.customers ?? ""}.checkpoint.json`;
}

/** A key pasted where a path goes: the path is not a file, and its text is not shown back. */
const LOOKS_LIKE_KEY = /(^|[\\/])pivotal_[A-Za-z0-9_-]{12,}$/;

function missingFileError(path: string): string {
	return LOOKS_LIKE_KEY.test(path.trim())
		? "That looks like an API key, not a file, so it is not shown; the key goes in the key step, after the files."
		: `No such file: ${path}`;
}
