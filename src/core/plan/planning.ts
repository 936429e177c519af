/**
 * The plan being made, one record at a time: each record is planned against the state once and
 * tallied into its pass. Synchronous and fed from outside, so the records can come from a read
 * of their own (`makePlan`) or from the validation read itself (`checkAndPlan`).
 */

import { copyOf, PASSES, type PassName, type SourceRecord } from "../../model/records.js";
import { isNumbered, resourceOf } from "../../model/resources.js";
import type { StringLookup } from "../../source/key-sets.js";
import type { LeftOutRows } from "../../source/left-out.js";
import type { CheckpointData } from "../checkpoint/index.js";
import {
	heldIn,
	isCreateMaybeMade,
	isLanded,
	isUnansweredCreate,
	unansweredCreatesIn,
} from "../checkpoint/state-map.js";
import { hasUnknownBefore, touchesMetadata } from "./field-diff.js";
import { Renames } from "./id-shift.js";
import { LookalikeRows, lookalikeRefusal } from "./lookalike-rows.js";
import type { MakePlanOptions, PassPlan, SyncPlan } from "./make-plan.js";
import {
	DELETE_ORDER,
	deleteRefusal,
	missingRecords,
	RowNames,
	respelledIn,
	unendedRefusal,
} from "./missing-records.js";
import { PassTally } from "./pass-tally.js";
import { type Operation, type ParentView, type PlanOptions, planRecord } from "./planner.js";
import { hasCopyIn, isRecreatedIn, plannedUnchanged } from "./quick-unchanged.js";
import { ReKeyedDoubts } from "./re-keyed-doubts.js";
import { RespelledDoubts } from "./respelled-doubts.js";
import { emptiedFields, type SyncRules } from "./sync-rules.js";

const AUTOMATION_PHASES = new Set(["launch", "completed"]);

export class Planning {
	readonly #options: MakePlanOptions;
	readonly #state: CheckpointData | undefined;
	readonly #rules: SyncRules;
	readonly #planOptions: PlanOptions;
	readonly #isFirstSync: boolean;
	readonly #shown: number;
	/** The keys each file holds, to tell which records are gone from it (only with --delete-missing). */
	readonly #keysInFiles: Partial<Record<PassName, Set<string>>> = {};
	/** Per numbered pass (onboardings), the names of each customer's rows, for `missingRecords`. */
	readonly #namesInFiles: Partial<Record<PassName, RowNames>> = {};
	/** Per pass, the rows validation found invalid, left out by --skip-invalid: still in the file. */
	readonly #leftOut: Partial<Record<PassName, LeftOutRows>> = {};
	/** Per pass, every key its file holds, as the check found them (customers). */
	readonly #fileKeys: Partial<Record<PassName, StringLookup>> = {};
	/** New customer rows of a sync, told apart from customers of the state the file no longer holds. */
	readonly #lookalikes = new LookalikeRows();
	readonly #renames = new Renames();
	/** New onboarding rows of a sync, told apart from creates in doubt re-spelled (respelled-doubts.ts). */
	readonly #respelledDoubts = new RespelledDoubts();
	// New rows of a child pass matched by a field (contacts by e-mail) that may be a create in doubt re-keyed.
	readonly #reKeyedDoubts = new ReKeyedDoubts();
	readonly #passes = {} as Record<PassName, PassPlan>;
	/** Customers this plan leaves out of Pivotal (kept as failed or deleted there): their children are blocked. */
	readonly #missing = new Set<string>();
	/**
	 * With invalid customer rows left out (--skip-invalid), a child whose customer is neither in
	 * the state nor in the plan is blocked: the customers the plan sends are remembered for that.
	 */
	readonly #planned: Set<string> | undefined;
	#requests = 0;
	// The requests counted before the pass being tallied, given back if it is dropped.
	#requestsBeforePass = 0;
	#tally: PassTally | undefined;
	// The customer a child row asked about last, and `isQuickParent`'s answer (see #mayBeQuick).
	#lastParentKey: string | undefined;
	#isLastParentQuick = false;

	constructor(options: MakePlanOptions) {
		this.#options = options;
		const { state } = options;
		this.#state = state;
		this.#isFirstSync = (state?.counters.runsFinished ?? 0) === 0;
		this.#rules = options.rules ?? {};
		this.#planOptions = {
			retryFailed: options.retryFailed,
			recreate: options.recreate,
			isFirstSync: this.#isFirstSync,
			rules: this.#rules,
		};
		this.#shown = options.examples ?? 5;
		const isSkipping = (options.source?.skipLines?.customers?.length ?? 0) > 0;
		this.#planned = isSkipping ? new Set<string>() : undefined;
	}

	/** Starts a pass; its records follow through `add`, in file order, then `endPass`. */
	startPass(pass: PassName): void {
		// What a customer was when the last pass asked: the customers pass may have changed it since.
		this.#lastParentKey = undefined;
		const file = this.#options.files[pass];
		const keys = (this.#rules.deleteMissing || this.#options.preview) && file ? new Set<string>() : undefined;
		if (keys) this.#keysInFiles[pass] = keys;
		if (keys && isNumbered(pass)) this.#namesInFiles[pass] = new RowNames();
		this.#tally = new PassTally(pass, this.#state?.records[pass], keys);
		this.#requestsBeforePass = this.#requests;
	}

	/**
	 * Forgets the pass being tallied, whose rows will be planned again (`startPass`): keyed in a
	 * read that could not know their keys yet. Only for a child pass: the customers pass leaves
	 * what it planned for the passes after it to read (`#missing`, `#planned`).
	 */
	dropPass(): void {
		this.#tally = undefined;
		this.#requests = this.#requestsBeforePass;
	}

	/** The rows of the pass's file left out (invalid under `--skip-invalid`, or skipped as a footer), before `finish`. */
	leaveOut(pass: PassName, rows: LeftOutRows | undefined): void {
		if (rows !== undefined) this.#leftOut[pass] = rows;
	}

	/** Every key of the pass's file, as the check found them, before `finish`: new rows are told from re-typed ones. */
	knowKeys(pass: PassName, keys: StringLookup | undefined): void {
		if (keys !== undefined) this.#fileKeys[pass] = keys;
	}

	/**
	 * Plans `record`. When the quick comparison settled it unchanged (quick-unchanged.ts), returns
	 * the length of its values' JSON; else -1.
	 */
	add(record: SourceRecord): number {
		const t = this.#tally!;
		const pass = t.pass;
		const rules = this.#rules;
		const shown = this.#shown;
		t.rows += 1;
		t.keys?.add(record.key);
		this.#namesInFiles[pass]?.add(record);
		if (pass === "customers") this.#planned?.add(record.key);
		// Most rows of a refresh: the state's values are the row's, read without parsing them.
		const quick = this.#mayBeQuick(record) ? plannedUnchanged(record, t.records) : undefined;
		if (quick !== undefined) t.inPivotal += 1;
		const current = quick === undefined ? t.records?.get(record.key) : undefined;
		if (current !== undefined && copyOf(current)) t.inPivotal += 1;
		if (isUnansweredCreate(current)) t.unansweredInFile += 1;
		if (current !== undefined && isCreateMaybeMade(current)) {
			this.#respelledDoubts.hold(record, current);
			if (isReKeyable(pass)) this.#reKeyedDoubts.hold(record.key);
		}
		const op: Operation = quick ?? planRecord(record, current, this.#parentView(record), this.#planOptions);
		const kind = op.kind;
		t.ops[kind] += 1;
		if (
			pass === "customers" &&
			(kind === "kept" || kind === "blocked" || (kind === "skipped" && op.copy === undefined))
		)
			this.#missing.add(record.key);
		if (kind === "skipped" && op.reason === "not_in_pivotal") t.notInPivotal += 1;
		if (kind === "skipped" && op.reason === "only_create") t.updatesLeft += 1;
		// A quick `unchanged` has every value of the state in its row: nothing emptied.
		if (quick === undefined && isEmptied(record, op)) t.emptied += 1;
		if ((kind === "update" || kind === "unchanged") && op.stuck)
			for (const field of op.stuck) t.stuck[field] = (t.stuck[field] ?? 0) + 1;
		if (kind === "kept" && op.reason === "gone") t.gone += 1;
		this.#options.onOperation?.(record, op);
		if (kind === "create" || kind === "match" || kind === "update") this.#requests += 1;
		// The record is read right before its PATCH: for --keep-pivotal-edits, to merge metadata,
		// or to learn what undo puts back. One read serves them all.
		if (
			kind === "update" &&
			(rules.keepPivotalEdits || touchesMetadata(op.changes) || hasUnknownBefore(op.changes))
		)
			this.#requests += 1;
		// A match by id reads back a record the state knows: it makes nothing, so no slug either.
		const isReadBack = kind === "match" && op.id !== undefined;
		if (isReadBack) t.readBack += 1;
		if (kind === "match" && current?.s === "failed" && current.code === "ambiguous_match") t.ambiguous += 1;
		if (kind === "create" && current?.s === "removed") t.remade += 1;
		// Its create landed and its record was not found since: looked up, never sent again unless
		// `--recreate` (adversarial finding AG6: the plan called it a create).
		if ((kind === "create" || kind === "match") && op.isInDoubt && isLanded(current, op.generation)) {
			if (this.#planOptions.recreate) t.landedRemade += 1;
			else t.landed += 1;
		} else if (kind === "create" && op.isInDoubt) t.inDoubt += 1;
		// A new customer row of a sync (made, looked up first after an interrupted first run, or left
		// out by --only update): checked in `finish` against the customers the file dropped, which
		// --delete-missing would delete (findings S10, T3).
		const isNew =
			kind === "create" ||
			(kind === "match" && op.id === undefined) ||
			(kind === "skipped" && op.reason === "not_in_pivotal");
		if (isNew && current === undefined && pass === "customers" && (t.records?.size ?? 0) > 0)
			this.#lookalikes.add(record);
		// A customer of the file renamed (or left unrenamed by --only create): an id shift reads
		// through its renames (findings X2, Y1, Y2).
		if (pass === "customers" && (kind === "update" || kind === "skipped") && op.copy !== undefined)
			this.#renames.add(record, op.copy.v ?? {});
		if (
			(kind === "create" || (kind === "match" && op.id === undefined)) &&
			current === undefined &&
			isReKeyable(pass) &&
			t.mayHoldMadeCreates
		)
			this.#reKeyedDoubts.add(record);
		if (isNew && current === undefined && isNumbered(pass) && t.mayHoldMadeCreates)
			this.#respelledDoubts.add(record);
		if (record.respelledFrom !== undefined) this.#respelledDoubts.tie(record);
		if (record.slug !== undefined && (kind === "create" || (kind === "match" && !isReadBack))) {
			t.slugCount += 1;
			if (t.slugs.length < shown) t.slugs.push({ key: record.key, line: record.line, slug: record.slug });
		}
		if (kind === "update") {
			for (const change of op.changes) t.fields[change.field] = (t.fields[change.field] ?? 0) + 1;
			if (t.examples.length < shown)
				t.examples.push({ key: record.key, line: record.line, changes: op.changes });
		}
		if (pass === "onboardings") {
			const phase = enteredPhase(record, op);
			if (phase) {
				t.automationCount += 1;
				if (t.automations.length < shown) t.automations.push({ key: record.key, line: record.line, phase });
			}
		}
		return quick === undefined ? -1 : quick.valuesLength;
	}

	/** May a child of the customer `key` be settled by the quick comparison, as planned so far? */
	isQuickParent(parentPass: PassName, key: string): boolean {
		const records = this.#state?.records[parentPass];
		return !this.#missing.has(key) && hasCopyIn(records, key) && !isRecreatedIn(records, key);
	}

	endPass(): void {
		const t = this.#tally!;
		this.#tally = undefined;
		const held = t.records === undefined ? 0 : heldIn(t.records);
		const unanswered = t.records === undefined ? 0 : unansweredCreatesIn(t.records) - t.unansweredInFile;
		this.#passes[t.pass] = {
			rows: t.rows,
			ops: t.ops,
			fields: t.fields,
			examples: t.examples,
			automations: t.automations,
			automationCount: t.automationCount,
			...(t.slugCount > 0 ? { slugs: t.slugs, slugCount: t.slugCount } : {}),
			...(t.readBack > 0 ? { readBack: t.readBack } : {}),
			...(t.ambiguous > 0 ? { ambiguous: t.ambiguous } : {}),
			...(t.remade > 0 ? { remade: t.remade } : {}),
			...(t.landed > 0 ? { landed: t.landed } : {}),
			...(t.inDoubt > 0 ? { inDoubt: t.inDoubt } : {}),
			...(t.landedRemade > 0 ? { landedRemade: t.landedRemade } : {}),
			notInFiles: Math.max(0, held - t.inPivotal),
			...(unanswered > 0 ? { unansweredNotInFiles: unanswered } : {}),
			gone: t.gone,
			notInPivotal: t.notInPivotal,
			updatesLeft: t.updatesLeft,
			stuck: t.stuck,
			reads: this.#rules.keepPivotalEdits ? t.ops.update : 0,
			emptied: t.emptied,
			deletes: [],
			deleteCount: 0,
			deleteKept: 0,
		};
	}

	/** The plan, once every pass has ended: `--delete-missing` decided over the keys of all files. */
	finish(): SyncPlan {
		const options = this.#options;
		const rules = this.#rules;
		const state = this.#state;
		// The passes in the order they run, whichever order they were tallied in (a numbered pass
		// is tallied after the passes validation planned as it read them).
		const passes = {} as Record<PassName, PassPlan>;
		for (const pass of PASSES) if (this.#passes[pass] !== undefined) passes[pass] = this.#passes[pass];
		const isFirstSync = this.#isFirstSync;
		let requests = this.#requests;
		const lookalike =
			this.#lookalikeRefusal() ??
			this.#shiftRefusal() ??
			this.#respelledDoubtRefusal() ??
			this.#reKeyedDoubtRefusal();
		const planned = (refusal: string | undefined): SyncPlan => ({
			passes,
			requests,
			isFirstSync,
			rules,
			...(refusal === undefined ? {} : { refusal }),
		});
		if (!(rules.deleteMissing || options.preview) || state === undefined) return planned(lookalike);
		const keysInFiles = this.#keysInFiles;
		const namesInFiles = this.#namesInFiles;
		const missingSet = missingRecords(
			(pass) => state.records[pass].entries(),
			(pass) => keysInFiles[pass],
			(pass) => namesInFiles[pass]?.repeated(),
			(pass) => this.#leftOut[pass],
			(pass) => respelledIn(namesInFiles[pass]),
		);
		const shown = this.#shown;
		for (const pass of DELETE_ORDER) {
			const deletes = missingSet.deletes[pass];
			passes[pass] = { ...passes[pass], deletable: deletes.length };
			if (!rules.deleteMissing) continue;
			// A read and a DELETE each: the read tells a record deleted in Pivotal already from one this deletes.
			requests += deletes.length * 2;
			for (const planned of deletes) options.onDelete?.(planned);
			passes[pass] = {
				...passes[pass],
				deletes: deletes.slice(0, shown),
				deleteCount: deletes.length,
				deleteKept: missingSet.kept[pass],
				deleteKeptByName: missingSet.keptByName[pass],
				deleteKeptLeftOut: missingSet.keptLeftOut[pass],
				deleteKeptCutShort: missingSet.keptCutShort[pass],
				footerCells: this.#leftOut[pass]?.footerCells ?? [],
			};
		}
		if (!rules.deleteMissing) return planned(lookalike);
		return planned(
			unendedRefusal(this.#options.files, (pass) => this.#leftOut[pass]) ??
				lookalike ??
				deleteRefusal(missingSet, rules.maxDeletes),
		);
	}

	/** New customer rows that look like a customer of the state the file no longer holds: refused (lookalike-rows.ts). */
	#lookalikeRefusal(): string | undefined {
		const records = this.#state?.records.customers;
		const keys = this.#fileKeys.customers;
		const file = this.#options.files.customers;
		if (this.#lookalikes.size === 0 || records === undefined || keys === undefined || file === undefined)
			return undefined;
		const leftOut = this.#leftOut.customers;
		const found = this.#lookalikes.find(
			records.keys(),
			(key) => records.get(key),
			// Not `mayBeOf`: a row whose id cannot be told would make every customer "in the file" and
			// turn the check off (adversarial finding T2).
			(key) => keys.has(key) || leftOut?.names(key) === true,
			this.#renames,
			(key) => leftOut?.names(key) === true,
		);
		return lookalikeRefusal(file, found, this.#rules.deleteMissing === true);
	}

	/** Renames that take other customers' old names: an id shift, refused (id-shift.ts). */
	#shiftRefusal(): string | undefined {
		const records = this.#state?.records.customers;
		const keys = this.#fileKeys.customers;
		const file = this.#options.files.customers;
		if (this.#renames.list.length < 2 || records === undefined || keys === undefined || file === undefined)
			return undefined;
		// No customer dropped (a refresh's usual case): the state's keys need not be walked for one.
		const isDropping = (this.#passes.customers?.notInFiles ?? 1) > 0;
		return this.#renames.shiftRefusal(
			file,
			isDropping ? records.keys() : [],
			(key) => records.get(key),
			(key) => keys.has(key),
		);
	}

	/** Re-spelled onboarding rows that cannot be told which record they are: refused (respelled-doubts.ts). */
	#respelledDoubtRefusal(): string | undefined {
		const pass = PASSES.find(isNumbered);
		if (pass === undefined) return undefined;
		return this.#respelledDoubts.refusal(this.#options.files[pass], this.#state?.records[pass]);
	}

	/** New contact rows that read as a contact whose create is in doubt, its row gone: refused (re-keyed-doubts.ts). */
	#reKeyedDoubtRefusal(): string | undefined {
		const pass = PASSES.find(isReKeyable);
		if (pass === undefined || this.#reKeyedDoubts.size === 0) return undefined;
		return this.#reKeyedDoubts.refusal(this.#options.files[pass], pass, this.#state?.records[pass]);
	}

	/**
	 * May the record be settled by the quick comparison? Not a child whose customer is missing,
	 * to be made by this plan, or was created anew (its children from before went with the old one).
	 */
	#mayBeQuick(record: SourceRecord): boolean {
		const parent = resourceOf(record.pass).parent?.resource as PassName | undefined;
		if (parent === undefined) return true;
		// A customer's rows come together in most files: its answer is asked once for them.
		const key = record.parentKey ?? "";
		if (key !== this.#lastParentKey) {
			this.#lastParentKey = key;
			this.#isLastParentQuick = this.isQuickParent(parent, key);
		}
		return this.#isLastParentQuick;
	}

	/** A child's customer as the plan leaves it: in Pivotal, to be made by this plan, or missing. */
	#parentView(record: SourceRecord): ParentView | undefined {
		const parent = resourceOf(record.pass).parent?.resource as PassName | undefined;
		if (parent === undefined) return undefined;
		const key = record.parentKey ?? "";
		if (this.#missing.has(key)) return MISSING;
		const copy = copyOf(this.#state?.records[parent].get(key));
		if (copy) return { kind: "ready", copy };
		return this.#planned === undefined || this.#planned.has(key) ? PLANNED : MISSING;
	}
}

const MISSING: ParentView = { kind: "missing" };
const PLANNED: ParentView = { kind: "planned" };

/** Has the row a cell emptied since the last sync that `--empty clear` would clear? */
function isEmptied(record: SourceRecord, op: Operation): boolean {
	if (op.kind === "update" && op.changes.some((c) => c.isCleared)) return true;
	const copy = op.kind === "update" || op.kind === "unchanged" || op.kind === "skipped" ? op.copy : undefined;
	return (
		copy?.v !== undefined && emptiedFields(record.pass, record.body, copy.v, record.fields).cleared.length > 0
	);
}

function enteredPhase(record: SourceRecord, op: Operation): string | undefined {
	if (op.kind === "update") {
		const change = op.changes.find((c) => c.field === "phase");
		return typeof change?.after === "string" && AUTOMATION_PHASES.has(change.after)
			? change.after
			: undefined;
	}
	if (op.kind === "create" || op.kind === "match") {
		const phase = record.body.phase;
		return typeof phase === "string" && AUTOMATION_PHASES.has(phase) ? phase : undefined;
	}
	return undefined;
}

/**
 * A child pass matched under its customer by a field of the row (contacts, by e-mail): a row
 * whose field changed is another record to the state, while its create may be in doubt.
 */
function isReKeyable(pass: PassName): boolean {
	return resourceOf(pass).parent !== undefined && !isNumbered(pass);
}
