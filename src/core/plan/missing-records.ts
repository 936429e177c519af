/**
 * `--delete-missing`: which records a sync deletes, decided from the state and the keys the files
 * hold (pure). Only records this import created go, children first; a record found in Pivotal and
 * adopted is never deleted, nor a customer that still has one under it. More deletes in a pass
 * than the limit refuse the whole run before anything is sent.
 */

import {
	copyOf,
	PASSES,
	type PassName,
	type PivotalCopy,
	type RecordState,
	type SourceRecord,
} from "../../model/records.js";
import { parentKeyOf, perPass, resourceOf, UNDO_ORDER } from "../../model/resources.js";
import type { LeftOutRows } from "../../source/left-out.js";
import { namedKey } from "../../source/onboarding-keys.js";
import { looseName } from "./legacy-keys.js";

export interface PlannedDelete {
	readonly pass: PassName;
	readonly key: string;
	readonly copy: PivotalCopy;
	/** The customer's key (contacts and onboardings), to re-create it under on undo. */
	readonly parentKey?: string;
}

export interface MissingRecords {
	/** Per pass, in the order they are sent: onboardings, contacts, customers. */
	readonly deletes: Readonly<Record<PassName, readonly PlannedDelete[]>>;
	/** Records gone from the files that stay: adopted, or a customer with adopted records under it. */
	readonly kept: Readonly<Record<PassName, number>>;
	/** Of those, created ones kept because rows of the same name are still in the file. */
	readonly keptByName: Readonly<Record<PassName, number>>;
	/** Of those, created ones kept because a row left out as invalid may be theirs. */
	readonly keptLeftOut: Readonly<Record<PassName, number>>;
	/** Of those, created ones kept because a last line skipped as a report footer may be their row cut short. */
	readonly keptCutShort: Readonly<Record<PassName, number>>;
	/** Records each pass holds in Pivotal, what the default limit is a tenth of. */
	readonly held: Readonly<Record<PassName, number>>;
}

/** Deletes run children first (the table's undo order). */
export const DELETE_ORDER: readonly PassName[] = UNDO_ORDER;

/** The customer key of a child record's key (`<customer_external_id>/<email or n>`). */
export { parentKeyOf };

/**
 * `inFiles(pass)`: the keys this run's files hold for a pass, or undefined when no file was given
 * for it (its records are not "gone", only not part of this run, unless their customer goes).
 */
export function missingRecords(
	entries: (pass: PassName) => Iterable<[string, RecordState]>,
	inFiles: (pass: PassName) => ReadonlySet<string> | undefined,
	repeatedNames: (pass: PassName) => ReadonlySet<string> | undefined = () => undefined,
	leftOut: (pass: PassName) => LeftOutRows | undefined = () => undefined,
	/** Per numbered pass, `RowNames.isRespelled` of its rows. */
	respelled: (pass: PassName) => ((parentKey: string, name: string) => boolean) | undefined = () => undefined,
): MissingRecords {
	const held = perPass(() => 0);
	const kept = perPass(() => 0);
	const keptByName = perPass(() => 0);
	const keptLeftOut = perPass(() => 0);
	const keptCutShort = perPass(() => 0);
	const gone = perPass((): PlannedDelete[] => []);
	// Created records whose row (or parent) is gone, in the order the state holds them.
	const going = perPass(() => new Map<string, PivotalCopy>());
	// Records with an adopted record under them: deleting them would take its parent away.
	const withAdopted = perPass(() => new Set<string>());
	// Parents before their children (the table's order), to know which children go with their parent.
	for (const pass of PASSES) {
		const parent = resourceOf(pass).parent?.resource as PassName | undefined;
		const keys = inFiles(pass);
		const names = repeatedNames(pass);
		const isRespelled = respelled(pass);
		for (const [key, state] of entries(pass)) {
			const copy = copyOf(state);
			if (!copy) continue;
			held[pass] += 1;
			const parentKey = parentKeyOf(pass, key);
			const isParentGone = parent !== undefined && parentKey !== undefined && going[parent].has(parentKey);
			const isRowGone = keys !== undefined && !keys.has(key);
			if (!isRowGone && !isParentGone) continue;
			// Rows that share a name are told apart by position only: one whose key moved (a row
			// added, removed or reordered) may still be in the file under its name. Not deleted.
			// (A name one row carries keys that row, which takes an entry no row holds: see legacy-keys.)
			const isNameInFile = !isParentGone && names?.has(namePair(parentKey ?? "", nameOf(copy.v))) === true;
			// A row of its customer whose name differs from its own in spelling only may be its row
			// re-spelled, which no record was taken for (two as close: adversarial finding T10).
			const isSpeltInFile = !isParentGone && isRespelled?.(parentKey ?? "", nameOf(copy.v)) === true;
			// A row left out as invalid (--skip-invalid) is still in the file, and may be this record's.
			const isLeftOut = leftOut(pass)?.mayBeOf(parentKey ?? key) === true;
			// The file's last line, skipped as a footer, may be this record's row cut short.
			const isCutShort = !isParentGone && leftOut(pass)?.mayBeCutShort(parentKey ?? key) === true;
			if (copy.outcome !== "created" || isNameInFile || isSpeltInFile || isLeftOut || isCutShort) {
				kept[pass] += 1;
				if (copy.outcome === "created" && isCutShort) keptCutShort[pass] += 1;
				else if (copy.outcome === "created" && isLeftOut) keptLeftOut[pass] += 1;
				else if (copy.outcome === "created") keptByName[pass] += 1;
				if (isParentGone) withAdopted[parent].add(parentKey);
				continue;
			}
			going[pass].set(key, copy);
		}
	}
	for (const pass of PASSES) {
		for (const [key, copy] of going[pass]) {
			if (withAdopted[pass].has(key)) {
				kept[pass] += 1;
				continue;
			}
			const parentKey = parentKeyOf(pass, key);
			gone[pass].push({ pass, key, copy, ...(parentKey === undefined ? {} : { parentKey }) });
		}
	}
	return { deletes: gone, kept, keptByName, keptLeftOut, keptCutShort, held };
}

/** How `repeatedNames` holds a child's name: its customer's key and the name. */
export const namePair = (parentKey: string, name: string): string =>
	`${parentKey}\u0000${name.trim().normalize("NFC")}`;

/** A child's name as `looseName` folds it, with its customer's key. */
const spellingPair = (parentKey: string, name: string): string => `${parentKey}\u0000${looseName(name)}`;

/** The names of a numbered pass's rows, counted per customer, for `missingRecords`' `repeatedNames`. */
export class RowNames {
	readonly #counts = new Map<string, number>();
	/** Per customer and folded name, the names as the rows spell them. */
	readonly #spellings = new Map<string, Set<string>>();

	add(record: SourceRecord): void {
		if (record.parentKey === undefined) return;
		const name = nameOf(record.body);
		const pair = namePair(record.parentKey, name);
		this.#counts.set(pair, (this.#counts.get(pair) ?? 0) + 1);
		// Only a row keyed by its own name, made new: one that took a record of another name holds
		// that record's key, and the others of the old name are its name's to delete (finding S4).
		if (name.trim() === "" || record.key !== namedKey(record.parentKey, name.trim())) return;
		const folded = spellingPair(record.parentKey, name);
		const spelt = this.#spellings.get(folded) ?? new Set<string>();
		spelt.add(name.trim().normalize("NFC"));
		this.#spellings.set(folded, spelt);
	}

	/** Does a row of the customer carry this name spelt otherwise (`Kick-off` for `Kickoff`)? */
	isRespelled(parentKey: string, name: string): boolean {
		const spelt = this.#spellings.get(spellingPair(parentKey, name));
		if (spelt === undefined) return false;
		const own = name.trim().normalize("NFC");
		for (const other of spelt) if (other !== own) return true;
		return false;
	}

	/**
	 * The names told apart by position only: those more than one of a customer's rows carry, and
	 * no name (a blank name is keyed by position even when one row has it).
	 */
	repeated(): ReadonlySet<string> {
		const repeated = new Set<string>();
		for (const [pair, count] of this.#counts) if (count > 1 || pair.endsWith("\u0000")) repeated.add(pair);
		return repeated;
	}
}

/** A record's name as `namePair` takes it: "" for none. */
function nameOf(values: Readonly<Record<string, unknown>> | undefined): string {
	return typeof values?.name === "string" ? values.name : "";
}

/** The most deletes a pass may make: `--max-deletes`, else a tenth of what it holds, rounded down. */
export function deleteLimit(held: number, maxDeletes: number | undefined): number {
	return maxDeletes ?? Math.floor(held / 10);
}

/**
 * The sentence that refuses a run whose deletes pass the limit in some pass, or undefined. A pass
 * of fewer than ten records allows none by default: give `--max-deletes` to delete there.
 */
export function deleteRefusal(missing: MissingRecords, maxDeletes: number | undefined): string | undefined {
	// Customers first: a refusal names the pass that says most.
	for (const pass of PASSES) {
		const count = missing.deletes[pass].length;
		const limit = deleteLimit(missing.held[pass], maxDeletes);
		if (count <= limit) continue;
		const why =
			maxDeletes === undefined
				? `10 % of the ${missing.held[pass]} ${pass} this import holds in Pivotal`
				: "--max-deletes";
		return `--delete-missing would delete ${count} ${pass}, more than ${limit} (${why}); nothing was sent. Check the files are complete, or allow it with --max-deletes ${count}.`;
	}
	return undefined;
}

/**
 * `--delete-missing` refuses a file that ends without a line break (adversarial finding R1): a
 * download or export that stopped mid-cell leaves a last row of the right width, its value cut,
 * which reads as a row changed or, its id cut, as a record gone and a new one.
 */
export function unendedRefusal(
	files: Readonly<Partial<Record<PassName, string | undefined>>>,
	leftOut: (pass: PassName) => LeftOutRows | undefined,
): string | undefined {
	for (const pass of PASSES) {
		const line = leftOut(pass)?.unendedLine;
		if (line === undefined) continue;
		return `${files[pass]} does not end with a line break: its last row (line ${line}) may be cut off (an export or download that stopped early), and --delete-missing acts on what the files no longer hold; nothing was sent. Check the file is whole, then end it with a line break, or run without --delete-missing.`;
	}
	return undefined;
}

/** `missingRecords`' `respelled` of a pass's row names, when it has them. */
export function respelledIn(
	names: RowNames | undefined,
): ((parentKey: string, name: string) => boolean) | undefined {
	return names === undefined ? undefined : (parentKey, name) => names.isRespelled(parentKey, name);
}
