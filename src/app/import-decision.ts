/**
 * What an import does once its plan is made, decided from its inputs alone: the CLI, the wizard
 * hand-off and library callers take the same branch for the same facts. Order matters and is the
 * contract: a refused plan is shown and refused even in a dry run; a dry run needs no key but
 * refuses keys it was told of that are unsound; a person at a terminal gets the wizard, which asks
 * for keys itself, unless the state is in a database or options the wizard lacks were given;
 * otherwise keys must be sound before anything is asked or sent.
 */

export interface ImportDecisionInput {
	/** The plan is refused before anything is sent (more deletes than `--max-deletes`). */
	readonly isPlanRefused: boolean;
	/** `--dry-run`. */
	readonly isDryRun: boolean;
	/** The keys (named by `--key-env`, or `PIVOTAL_API_KEY`) passed their checks. */
	readonly areKeysSound: boolean;
	/** `--key-env` named variables: a dry run checks them even though it sends nothing. */
	readonly areKeysNamed: boolean;
	/** A person at a terminal: stdin and stdout are TTYs and the output is not NDJSON. */
	readonly isTerminal: boolean;
	/** `--headless`. */
	readonly isHeadless: boolean;
	/** The state is in a database: the wizard knows state files only. */
	readonly isDatabaseState: boolean;
	/**
	 * Options were given that the wizard does not take (sync rules, report files): it would run
	 * without them, so a person at a terminal is asked in text, as with `--headless`.
	 * @default false
	 */
	readonly hasOptionsWizardLacks?: boolean;
	/** `--yes`. */
	readonly isConfirmed: boolean;
	/** A state of this import exists (a run before this one). */
	readonly hasState: boolean;
	/** `--fresh`: the state is set aside. */
	readonly isFresh: boolean;
}

export type ImportDecision =
	| { readonly kind: "refuse-plan" }
	| { readonly kind: "refuse-keys" }
	| { readonly kind: "dry-run" }
	| { readonly kind: "wizard" }
	| { readonly kind: "confirm"; readonly isResume: boolean }
	| { readonly kind: "run"; readonly isResume: boolean };

export function importDecision(input: ImportDecisionInput): ImportDecision {
	if (input.isPlanRefused) return { kind: "refuse-plan" };
	if (input.isDryRun)
		return !input.areKeysSound && input.areKeysNamed ? { kind: "refuse-keys" } : { kind: "dry-run" };
	if (input.isTerminal && !input.isHeadless && !input.isDatabaseState && input.hasOptionsWizardLacks !== true)
		return { kind: "wizard" };
	if (!input.areKeysSound) return { kind: "refuse-keys" };
	const isResume = input.hasState && !input.isFresh;
	if (input.isTerminal && !input.isConfirmed) return { kind: "confirm", isResume };
	return { kind: "run", isResume };
}
