/**
 * One pass's counts while the plan's records come in (planning.ts): the operations by kind, the
 * first examples of each thing the plan text shows, and what tells the state's records from the
 * file's rows at the pass's end.
 */

import type { PassName, RecordState } from "../../model/records.js";
import { mayHoldMadeCreates } from "../checkpoint/state-map.js";
import type { PlannedChange } from "./make-plan.js";
import type { OperationKind } from "./planner.js";

/** One pass's counts while its records come in. */
export class PassTally {
	readonly pass: PassName;
	readonly records: ReadonlyMap<string, RecordState> | undefined;
	readonly keys: Set<string> | undefined;
	readonly ops: Record<OperationKind, number> = {
		create: 0,
		match: 0,
		update: 0,
		unchanged: 0,
		blocked: 0,
		kept: 0,
		skipped: 0,
	};
	readonly stuck: Record<string, number> = {};
	readonly fields: Record<string, number> = {};
	readonly examples: PlannedChange[] = [];
	readonly automations: { key: string; line: number; phase: string }[] = [];
	readonly slugs: { key: string; line: number; slug: string }[] = [];
	notInPivotal = 0;
	updatesLeft = 0;
	emptied = 0;
	automationCount = 0;
	slugCount = 0;
	readBack = 0;
	ambiguous = 0;
	remade = 0;
	/** Creates Pivotal said landed whose record was not found since (`landed_not_found`). */
	landed = 0;
	/** The same under `--recreate`: made anew unless found. */
	landedRemade = 0;
	/** Other creates of an earlier run that got no answer: looked up before any is sent again. */
	inDoubt = 0;
	rows = 0;
	inPivotal = 0;
	/** Rows whose create the state holds as sent with no answer. */
	unansweredInFile = 0;
	gone = 0;
	/** May the state hold creates of this pass that made their records (`isCreateMaybeMade`)? */
	readonly mayHoldMadeCreates: boolean;

	constructor(
		pass: PassName,
		records: ReadonlyMap<string, RecordState> | undefined,
		keys: Set<string> | undefined,
	) {
		this.pass = pass;
		this.records = records;
		this.keys = keys;
		this.mayHoldMadeCreates = records !== undefined && mayHoldMadeCreates(records);
	}
}
