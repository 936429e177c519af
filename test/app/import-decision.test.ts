import { describe, expect, it } from "vitest";
import {
	type ImportDecision,
	type ImportDecisionInput,
	importDecision,
} from "../../src/app/import-decision.js";

/** A headless run with sound keys, no state: it runs. Each row changes what it names. */
const BASE: ImportDecisionInput = {
	isPlanRefused: false,
	isDryRun: false,
	areKeysSound: true,
	areKeysNamed: false,
	isTerminal: false,
	isHeadless: false,
	isDatabaseState: false,
	isConfirmed: false,
	hasState: false,
	isFresh: false,
};

const TABLE: readonly [string, Partial<ImportDecisionInput>, ImportDecision][] = [
	["a script with a key runs", {}, { kind: "run", isResume: false }],
	["a script with a state resumes", { hasState: true }, { kind: "run", isResume: true }],
	["--fresh sets the state aside", { hasState: true, isFresh: true }, { kind: "run", isResume: false }],
	["a script without a key is refused", { areKeysSound: false }, { kind: "refuse-keys" }],
	["too many deletes are refused first", { isPlanRefused: true, isDryRun: true }, { kind: "refuse-plan" }],
	["too many deletes beat a bad key", { isPlanRefused: true, areKeysSound: false }, { kind: "refuse-plan" }],
	["a dry run needs no key", { isDryRun: true, areKeysSound: false }, { kind: "dry-run" }],
	[
		"a dry run refuses keys it was told of that are unsound",
		{ isDryRun: true, areKeysSound: false, areKeysNamed: true },
		{ kind: "refuse-keys" },
	],
	["a dry run at a terminal stays a dry run", { isDryRun: true, isTerminal: true }, { kind: "dry-run" }],
	["a person at a terminal gets the wizard", { isTerminal: true }, { kind: "wizard" }],
	["the wizard asks for keys itself", { isTerminal: true, areKeysSound: false }, { kind: "wizard" }],
	[
		"--headless at a terminal asks before sending",
		{ isTerminal: true, isHeadless: true },
		{ kind: "confirm", isResume: false },
	],
	[
		"a database state at a terminal asks (the wizard knows files only)",
		{ isTerminal: true, isDatabaseState: true, hasState: true },
		{ kind: "confirm", isResume: true },
	],
	[
		"options the wizard lacks at a terminal: asked in text, not dropped by the wizard",
		{ isTerminal: true, hasOptionsWizardLacks: true },
		{ kind: "confirm", isResume: false },
	],
	[
		"options the wizard lacks with --yes at a terminal run",
		{ isTerminal: true, hasOptionsWizardLacks: true, isConfirmed: true },
		{ kind: "run", isResume: false },
	],
	[
		"--yes at a terminal runs without asking",
		{ isTerminal: true, isHeadless: true, isConfirmed: true },
		{ kind: "run", isResume: false },
	],
	[
		"--headless at a terminal without a key is refused before asking",
		{ isTerminal: true, isHeadless: true, areKeysSound: false },
		{ kind: "refuse-keys" },
	],
];

describe("importDecision: what a run does, from its inputs alone", () => {
	it.each(TABLE)("%s", (_name, change, expected) => {
		expect(importDecision({ ...BASE, ...change })).toEqual(expected);
	});
});
