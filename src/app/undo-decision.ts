/**
 * What an undo does once its plan is made. Undo deletes records, so it never runs unasked: with
 * no person at a terminal to ask, `--yes` is the only consent; at a terminal a live workspace is
 * named back (as GitHub asks for a repository's name before deleting it), a test key's `yes`.
 */

export interface UndoDecisionInput {
	/** Records the plan deletes, restores or recreates. */
	readonly changes: number;
	readonly isDryRun: boolean;
	/** The keys passed their checks. */
	readonly areKeysSound: boolean;
	/** A person at a terminal: stdin and stdout are TTYs and the output is not NDJSON. */
	readonly isTerminal: boolean;
	readonly isHeadless: boolean;
	/** `--yes`. */
	readonly isConfirmed: boolean;
	/** Every key is a `pivotal_test_` key. */
	readonly areTestKeys: boolean;
	/** The workspace the state was written in, when it kept it. */
	readonly workspace: string | undefined;
}

export type UndoDecision =
	| { readonly kind: "nothing-to-do" }
	| { readonly kind: "dry-run" }
	| { readonly kind: "refuse-keys" }
	| { readonly kind: "refuse-unconfirmed" }
	| { readonly kind: "confirm"; readonly expected: string }
	| { readonly kind: "run" };

export function undoDecision(input: UndoDecisionInput): UndoDecision {
	if (input.changes === 0) return { kind: "nothing-to-do" };
	if (input.isDryRun) return { kind: "dry-run" };
	if (!input.areKeysSound) return { kind: "refuse-keys" };
	if (input.isConfirmed) return { kind: "run" };
	if (!input.isTerminal || input.isHeadless) return { kind: "refuse-unconfirmed" };
	return { kind: "confirm", expected: confirmationWord(input.areTestKeys, input.workspace) };
}

/** What a person types to confirm an undo: the live workspace's name, else `yes`. */
export function confirmationWord(areTestKeys: boolean, workspace: string | undefined): string {
	return !areTestKeys && workspace ? workspace : "yes";
}
