/**
 * A pass's records kept from the plan's read of its file, so that the run sends them without
 * reading and parsing the file once more. Kept while few need the run's attention (a refresh:
 * most rows unchanged), or while the file is small (a first import: every row is sent): each record the plan could not settle by the quick comparison
 * (quick-unchanged.ts) is kept whole, to be planned again by the run against the state as it is
 * then; each record it did settle is kept as its key only (UTF-8, outside the heap) and the
 * length of its values' JSON, for the run to count and report reading only the state's small fields. Past a cap (records kept whole, or bytes of keys) the pass gives up
 * its copy and the run reads the file as before.
 *
 * A child pass's quick settlement assumed its customer was in Pivotal, and not created anew,
 * when the plan read it. Only the customers the run sends requests for can change that, and
 * those are the customers kept whole: each notes what the plan saw (`parentWasQuick`), and the
 * run uses a child pass's copy only when every one the plan saw so still reads so (`isParentAsPlanned`).
 */

import type { PassName, SourceRecord } from "../../model/records.js";

/** Records kept whole per pass at most: a refresh of 1 % of a million rows keeps 10,000. */
export const MAX_KEPT_RECORDS = 50_000;
/**
 * A first import (no state: every record kept whole) keeps a file's records only when the file
 * is at most this big: about the cap's worth of rows of 100–300 bytes. A bigger file would
 * mostly build a copy to give it up at the cap.
 */
export const MAX_KEPT_FIRST_IMPORT_BYTES = 8 * 1024 * 1024;
/** Bytes of keys of quick-settled records per pass at most (about 2M keys of 30 characters). */
export const MAX_KEY_BYTES = 64 * 1024 * 1024;

/** Entries handed to the run per block (`blocks`), as a file's read hands it records. */
const BLOCK_ENTRIES = 1024;

/** One entry, in file order: a record kept whole, or how many quick-settled keys come next. */
type Entry = SourceRecord | number;

/** What the run reads from a `KeptRecords`, in file order. */
export type KeptEntry =
	| { readonly kind: "record"; readonly record: SourceRecord }
	| {
			readonly kind: "quick";
			readonly key: string;
			readonly valuesLength: number;
			/** The state's Pivotal id as the plan read it ("" when not read: the run reads the state). */
			readonly id: string;
	  }
	/** `count` quick-settled records in a row, each with its id kept, when the run asked for them counted. */
	| { readonly kind: "counted"; readonly count: number };

/** Ids longer than this are not kept (the run reads them from the state): one byte holds the length. */
const MAX_KEPT_ID = 255;

export class KeptRecords {
	readonly pass: PassName;
	/** The customers' copy, for a child pass (see the module's comment). */
	readonly parent: KeptRecords | undefined;
	readonly #entries: Entry[] = [];
	/** For each record kept whole (customers): was it a customer whose children the plan settled quickly? */
	readonly #parentWasQuick: boolean[] = [];
	#keys = Buffer.allocUnsafe(64 * 1024);
	#keyBytes = 0;
	#whole = 0;
	#quick = 0;
	#isOver = false;
	#isDone = false;

	constructor(pass: PassName, parent?: KeptRecords) {
		this.pass = pass;
		this.parent = parent;
	}

	/** False once a cap was passed (or the pass was not read to its end): the run reads the file. */
	get isUsable(): boolean {
		return this.#isDone && !this.#isOver;
	}

	get wholeCount(): number {
		return this.#whole;
	}

	get quickCount(): number {
		return this.#quick;
	}

	/** A record the run must plan again; `wasQuickParent`: for a customer, could its children be settled quickly. */
	addWhole(record: SourceRecord, wasQuickParent = false): void {
		if (this.#isOver) return;
		if (this.#whole >= MAX_KEPT_RECORDS) {
			this.#giveUp();
			return;
		}
		this.#entries.push(record);
		this.#parentWasQuick.push(wasQuickParent);
		this.#whole += 1;
	}

	/**
	 * A record the plan settled as unchanged by the quick comparison (`valuesLength`: see
	 * `PlannedUnchanged`), with its Pivotal id as the state holds it (ASCII, as `doneIdAt` reads it).
	 */
	addQuick(key: string, valuesLength: number, id = ""): void {
		if (this.#isOver) return;
		const length = Buffer.byteLength(key);
		const idLength = id.length <= MAX_KEPT_ID ? id.length : 0;
		const need = this.#keyBytes + 9 + length + idLength;
		if (need > MAX_KEY_BYTES) {
			this.#giveUp();
			return;
		}
		if (need > this.#keys.length) {
			const grown = Buffer.allocUnsafe(Math.min(MAX_KEY_BYTES, Math.max(need, this.#keys.length * 2)));
			this.#keys.copy(grown, 0, 0, this.#keyBytes);
			this.#keys = grown;
		}
		this.#keys.writeUInt32LE(length, this.#keyBytes);
		this.#keys.writeUInt32LE(valuesLength, this.#keyBytes + 4);
		this.#keys.write(key, this.#keyBytes + 8, length, "utf8");
		this.#keys[this.#keyBytes + 8 + length] = idLength;
		if (idLength > 0) this.#keys.write(id, this.#keyBytes + 9 + length, idLength, "latin1");
		this.#keyBytes = need;
		this.#quick += 1;
		const last = this.#entries.length - 1;
		const tail = this.#entries[last];
		if (typeof tail === "number") this.#entries[last] = tail + 1;
		else this.#entries.push(1);
	}

	/** The pass was read to its end: the copy holds every record of the file. */
	end(): void {
		this.#isDone = true;
	}

	/** Drops the copy (the pass is read from the file). */
	giveUp(): void {
		this.#giveUp();
	}

	/**
	 * Do the customers kept whole still read, to `isQuickParent` (the run's state), as the plan
	 * saw them? Then a child settled quickly by the plan is settled the same way by the run.
	 */
	isParentAsPlanned(isQuickParent: (key: string) => boolean): boolean {
		if (!this.isUsable) return false;
		let at = 0;
		for (const entry of this.#entries) {
			if (typeof entry === "number") continue;
			if (this.#parentWasQuick[at] && !isQuickParent(entry.key)) return false;
			at += 1;
		}
		return true;
	}

	/**
	 * The records in file order. `isCounted`: the quick-settled records whose ids were kept come
	 * as counts of them in a row (at most `size` each), their keys and ids not read.
	 */
	*entries(isCounted = false, size = BLOCK_ENTRIES): Generator<KeptEntry> {
		let offset = 0;
		const keys = this.#keys;
		for (const entry of this.#entries) {
			if (typeof entry !== "number") {
				yield { kind: "record", record: entry };
				continue;
			}
			let counted = 0;
			for (let i = 0; i < entry; i++) {
				const length = keys.readUInt32LE(offset);
				if (isCounted) {
					const idLength = keys[offset + 8 + length] as number;
					if (idLength > 0) {
						offset += 9 + length + idLength;
						if (++counted === size) {
							yield { kind: "counted", count: counted };
							counted = 0;
						}
						continue;
					}
					if (counted > 0) yield { kind: "counted", count: counted };
					counted = 0;
				}
				const valuesLength = keys.readUInt32LE(offset + 4);
				const key = keys.toString("utf8", offset + 8, offset + 8 + length);
				const idLength = keys[offset + 8 + length] as number;
				const at = offset + 9 + length;
				const id = idLength === 0 ? "" : keys.toString("latin1", at, at + idLength);
				offset += 9 + length + idLength;
				yield { kind: "quick", key, valuesLength, id };
			}
			if (counted > 0) yield { kind: "counted", count: counted };
		}
	}

	/**
	 * The records in file order, in blocks that end once they hold `size` records (a count weighs
	 * as the records it counts): the run awaits once per block, not per record.
	 */
	*blocks(isCounted = false, size = BLOCK_ENTRIES): Generator<readonly KeptEntry[]> {
		let block: KeptEntry[] = [];
		let weight = 0;
		for (const entry of this.entries(isCounted, size)) {
			block.push(entry);
			weight += entry.kind === "counted" ? entry.count : 1;
			if (weight < size) continue;
			yield block;
			block = [];
			weight = 0;
		}
		if (block.length > 0) yield block;
	}

	#giveUp(): void {
		this.#isOver = true;
		this.#entries.length = 0;
		this.#parentWasQuick.length = 0;
		this.#keys = Buffer.alloc(0);
		this.#keyBytes = 0;
	}
}
