import { describe, expect, it } from "vitest";
import { type UndoDecision, type UndoDecisionInput, undoDecision } from "../../src/app/undo-decision.js";

/** A terminal, sound live keys, a named workspace, something to undo: the workspace is asked for. */
const BASE: UndoDecisionInput = {
	changes: 3,
	isDryRun: false,
	areKeysSound: true,
	isTerminal: true,
	isHeadless: false,
	isConfirmed: false,
	areTestKeys: false,
	workspace: "Acme",
};

const TABLE: readonly [string, Partial<UndoDecisionInput>, UndoDecision][] = [
	["a live workspace is named back", {}, { kind: "confirm", expected: "Acme" }],
	["test keys answer yes", { areTestKeys: true }, { kind: "confirm", expected: "yes" }],
	[
		"a state without its workspace answers yes",
		{ workspace: undefined },
		{ kind: "confirm", expected: "yes" },
	],
	["nothing to undo ends there, keys or not", { changes: 0, areKeysSound: false }, { kind: "nothing-to-do" }],
	["a dry run needs no key", { isDryRun: true, areKeysSound: false }, { kind: "dry-run" }],
	["unsound keys are refused", { areKeysSound: false }, { kind: "refuse-keys" }],
	["--yes runs", { isConfirmed: true }, { kind: "run" }],
	["--yes runs without a terminal", { isConfirmed: true, isTerminal: false }, { kind: "run" }],
	["no terminal and no --yes is refused", { isTerminal: false }, { kind: "refuse-unconfirmed" }],
	["--headless without --yes is refused", { isHeadless: true }, { kind: "refuse-unconfirmed" }],
];

describe("undoDecision: an undo never runs unasked", () => {
	it.each(TABLE)("%s", (_name, change, expected) => {
		expect(undoDecision({ ...BASE, ...change })).toEqual(expected);
	});
});
