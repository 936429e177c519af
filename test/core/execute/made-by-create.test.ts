/**
 * A record found for a create in doubt counts as the create's when it holds the row's values, or
 * the values one of the create's sends carried, which the mark keeps: the row may have been
 * edited in the file since a send that got no answer (adversarial finding AB1).
 */
import { describe, expect, it } from "vitest";
import type { PivotalRecord } from "../../../src/api/types.js";
import { parseState } from "../../../src/core/checkpoint/parse-state.js";
import {
	createBody,
	isMadeByCreate,
	isProvenUnmade,
	isReplayOf,
	MAX_SENT_VALUES_CHARS,
	PROOF_WITHIN_MS,
	sentValuesNow,
	sentValuesOf,
	slugToSend,
	withoutUnlanded,
} from "../../../src/core/execute/made-by-create.js";
import type { FieldValues, RecordState, SourceRecord } from "../../../src/model/records.js";
import { bodyUnder, resourceOf } from "../../../src/model/resources.js";

const SENT_AT = Date.parse("2026-12-01T10:00:00Z");

/** The row as the file says it now: renamed and given a domain since the create left. */
const edited: SourceRecord = {
	pass: "customers",
	key: "id2",
	line: 3,
	body: { name: "Two Ltd", domain: "two.example", metadata: { external_id: "id2" } },
	columns: {},
	slug: "two-ltd",
};

/** What the earlier send carried, as the mark keeps it (the slug derived then among them). */
const sentBefore = { name: "Two", metadata: { external_id: "id2" }, slug: "two" };

/** A create given up on a cause of the moment (a timeout) after it went out: it may have landed. */
const GIVEN_UP = {
	s: "failed",
	status: null,
	code: "network_timeout",
	message: "",
	attempts: 8,
	retryable: true,
	t: SENT_AT,
	sv: [sentBefore],
} as const;

function found(fields: Readonly<Record<string, unknown>>): PivotalRecord {
	return {
		id: "cus_1",
		display_id: 1,
		created_at: "2026-12-01T10:00:01Z",
		metadata: { external_id: "id2" },
		...fields,
	} as unknown as PivotalRecord;
}

describe("isMadeByCreate with the values the create's sends carried", () => {
	const sent = { slugs: ["two-ltd", "two-ltd-x"], firstSentAt: SENT_AT, values: [sentBefore] };

	it("a record that holds what the earlier send carried is the create's, though the row was edited", () => {
		expect(isMadeByCreate(edited, found({ name: "Two", slug: "two" }), sent)).toBe(true);
		// Without the mark's values (a state an older version wrote), only the row is asked.
		expect(isMadeByCreate(edited, found({ name: "Two", slug: "two" }), { ...sent, values: undefined })).toBe(
			false,
		);
	});

	it("is not when it holds anything the send did not carry, or another slug", () => {
		expect(isMadeByCreate(edited, found({ name: "Two", slug: "two", domain: "sales.example" }), sent)).toBe(
			false,
		);
		expect(isMadeByCreate(edited, found({ name: "Two", slug: "two-by-sales" }), sent)).toBe(false);
		expect(
			isMadeByCreate(
				edited,
				found({ name: "Two", slug: "two", metadata: { external_id: "id2", owner: "sales" } }),
				sent,
			),
		).toBe(false);
	});

	it("is not when it was made before the create first left, whichever values it holds", () => {
		const early = found({ name: "Two", slug: "two", created_at: "2026-12-01T09:00:00Z" });
		expect(isMadeByCreate(edited, early, sent)).toBe(false);
	});

	it("made before the create left on Pivotal's clock, when this machine's runs ten minutes slow: not the create's", () => {
		// Made at 10:00:01 on Pivotal's clock, five minutes before the create left there (10:05);
		// this machine's clock said 09:55, so by its own clock the record looks made after.
		const slow = { ...sent, firstSentAt: SENT_AT - 5 * 60_000, firstOnServerAt: SENT_AT + 5 * 60_000 };
		expect(isMadeByCreate(edited, found({ name: "Two", slug: "two" }), slow)).toBe(false);
		expect(
			isMadeByCreate(edited, found({ name: "Two", slug: "two" }), { ...slow, firstOnServerAt: undefined }),
		).toBe(true);
	});

	it("a record that holds the row's values as the file says them now, which no send carried: not the create's (finding AD7)", () => {
		const now = found({ name: "Two Ltd", slug: "two-ltd", domain: "two.example" });
		expect(isMadeByCreate(edited, now, sent)).toBe(false);
		// A state that kept no values (an older version's): the row's values decide, as before.
		expect(isMadeByCreate(edited, now, { ...sent, values: undefined })).toBe(true);
	});
});

describe("a field the server fills in when the create leaves it out (finding AC9)", () => {
	const rollout: SourceRecord = {
		pass: "onboardings",
		key: "id2/name:Rollout",
		line: 2,
		parentKey: "id2",
		body: { name: "Rollout" },
		columns: {},
	};
	const sent = { slugs: [], firstSentAt: SENT_AT };

	it("holds the server's default: the create's; anything else there: someone else's", () => {
		const asMade = found({ name: "Rollout", phase: "before_getting_started", state: "active", metadata: {} });
		expect(isMadeByCreate(rollout, asMade, sent)).toBe(true);
		expect(
			isMadeByCreate(rollout, { ...asMade, phase: "launch", state: "at_risk" } as PivotalRecord, sent),
		).toBe(false);
		expect(isMadeByCreate(rollout, { ...asMade, state: "at_risk" } as PivotalRecord, sent)).toBe(false);
	});
});

describe("the mark's values in a state", () => {
	it("are read as a list of values; anything else is a damaged state", () => {
		const mark = { s: "sent", attempts: 1, t: SENT_AT, sv: [sentBefore] };
		expect(parseState("id2", JSON.stringify(mark))).toEqual(mark);
		expect(() => parseState("id2", JSON.stringify({ ...mark, sv: sentBefore }))).toThrow(/is damaged/);
		expect(() => parseState("id2", JSON.stringify({ ...mark, sv: ["Two"] }))).toThrow(/is damaged/);
	});
});

describe("the values a create's mark keeps (sentValuesOf)", () => {
	const renamed = { name: "Two Ltd", metadata: { external_id: "id2" }, slug: "two-ltd" };

	it("a send while in doubt keeps the earlier sends' values beside its own, each once, the first and the latest two", () => {
		const inDoubt = { s: "sent", attempts: 1, sv: [sentBefore] } as const;
		expect(sentValuesOf(inDoubt, renamed, 100)).toEqual([sentBefore, renamed]);
		expect(sentValuesOf(inDoubt, sentBefore, 100)).toEqual([sentBefore]);
		const four = [1, 2, 3].map((n) => ({ name: `Two ${n}` }));
		// The first send's values stay: the first is the send a lost answer most often hides (AC10).
		expect(sentValuesOf({ s: "sent", attempts: 3, sv: four }, renamed, 100)).toEqual([
			four[0],
			four[2],
			renamed,
		]);
		// Given up for a cause of the moment: it may have landed, so its values stay.
		expect(sentValuesOf(GIVEN_UP, renamed, 100)).toEqual([sentBefore, renamed]);
	});

	it("a send after a refusal, or of a record done, keeps only its own", () => {
		const refused = {
			s: "failed",
			status: 422,
			code: "validation_error",
			message: "",
			attempts: 1,
			retryable: false,
			sv: [sentBefore],
		} as const;
		expect(sentValuesOf(refused, renamed, 100)).toEqual([renamed]);
		expect(sentValuesOf(undefined, renamed, 100)).toEqual([renamed]);
	});

	it("a body of tens of KB is kept; one past the cap is not, the earlier ones are", () => {
		expect(sentValuesOf(undefined, renamed, 40_000)).toEqual([renamed]);
		const past = MAX_SENT_VALUES_CHARS + 1;
		expect(sentValuesOf(undefined, renamed, past)).toBeUndefined();
		expect(sentValuesOf({ s: "sent", attempts: 1, sv: [sentBefore] }, renamed, past)).toEqual([sentBefore]);
	});
});

describe("a uniqueness conflict on the resend of a create in doubt (isProvenUnmade)", () => {
	const mark = { s: "sent", attempts: 2, t: SENT_AT, sv: [sentBefore] } as const;

	it("proves the earlier sends did not land when they all carried this body under this key, within the hour", () => {
		expect(isProvenUnmade(mark, 0, sentBefore, { here: SENT_AT + 60_000 })).toBe(true);
	});

	it("given up on a cause of the moment, too (finding AD6); on Pivotal's clock where both ends are known (finding AD8)", () => {
		const givenUp = GIVEN_UP;
		expect(isProvenUnmade(givenUp, 0, sentBefore, { here: SENT_AT + 60_000 })).toBe(true);
		expect(isProvenUnmade({ ...givenUp, retryable: false }, 0, sentBefore, { here: SENT_AT + 60_000 })).toBe(
			false,
		);
		// This machine's clock was two hours slow at the first send: ten minutes on Pivotal's.
		const slow = { ...mark, t: SENT_AT - 2 * 60 * 60_000, ts: SENT_AT };
		expect(
			isProvenUnmade(slow, 0, sentBefore, { here: SENT_AT + 10 * 60_000, onServer: SENT_AT + 10 * 60_000 }),
		).toBe(true);
		expect(isProvenUnmade(slow, 0, sentBefore, { here: SENT_AT + 10 * 60_000 })).toBe(false);
	});

	it("under the same key whatever the body: a send that landed has later ones answered key_reused (finding AE3)", () => {
		expect(isProvenUnmade(mark, 0, { ...sentBefore, name: "Two Ltd" }, { here: SENT_AT + 60_000 })).toBe(
			true,
		);
	});

	it("proves nothing past the hour, under another generation's or a suffixed slug's key, or without the mark's values", () => {
		expect(isProvenUnmade(mark, 0, sentBefore, { here: SENT_AT + PROOF_WITHIN_MS })).toBe(false);
		expect(isProvenUnmade({ ...mark, g: 1 }, 0, sentBefore, { here: SENT_AT + 60_000 })).toBe(false);
		expect(isProvenUnmade(mark, 0, { ...sentBefore, slug: "two-x" }, { here: SENT_AT + 60_000 })).toBe(false);
		const twoBodies = { ...mark, sv: [sentBefore, { ...sentBefore, slug: "two-x" }] };
		expect(isProvenUnmade(twoBodies, 0, sentBefore, { here: SENT_AT + 60_000 })).toBe(false);
		expect(
			isProvenUnmade({ s: "sent", attempts: 2, t: SENT_AT }, 0, sentBefore, { here: SENT_AT + 60_000 }),
		).toBe(false);
	});
});

describe("a body answered idempotency_key_reused leaves the mark (finding AE2)", () => {
	const body = (n: number): FieldValues => ({ name: "Ida", title: `T${n}` });
	const [t1, t2, t3, t4] = [body(1), body(2), body(3), body(4)];

	it("keeps the body that landed through four edits: each later body answered key_reused is dropped", () => {
		// T1 never landed, T2 landed (its answer lost), T3 and T4 answered key_reused.
		let mark: RecordState = { s: "sent", attempts: 2, sv: [t1, t2] };
		for (const sent of [t3, t4]) {
			mark = { s: "sent", attempts: 3, sv: sentValuesOf(mark, sent, 100) ?? [] };
			mark = withoutUnlanded(mark, sent) ?? mark;
		}
		expect(mark).toMatchObject({ sv: [t1, t2] });
		// Without it, the kept three lose T2.
		const kept = sentValuesOf({ s: "sent", attempts: 3, sv: [t1, t2, t3] }, t4, 100);
		expect(kept).toEqual([t1, t3, t4]);
	});

	it("leaves a mark without that body as it is, and drops the values once none is left", () => {
		expect(withoutUnlanded({ s: "sent", attempts: 1, sv: [t1] }, t2)).toBeUndefined();
		expect(withoutUnlanded({ s: "sent", attempts: 1, t: SENT_AT, sv: [t1] }, t1)).toEqual({
			s: "sent",
			attempts: 1,
			t: SENT_AT,
		});
	});
});

describe("a kept send goes again byte for byte (the ask of a create in doubt: findings AE4, AF4)", () => {
	const records: readonly SourceRecord[] = [
		// A derived slug, added after the row's fields.
		{
			pass: "customers",
			key: "c1",
			line: 2,
			body: { name: "Çafé One", metadata: { external_id: "c1" } },
			columns: {},
			slug: "cafe-one",
		},
		// The file's own slug, in the middle of the row.
		{
			pass: "customers",
			key: "c2",
			line: 3,
			body: { name: "Two", slug: "two", mrr: 100, metadata: { external_id: "c2" } },
			columns: {},
		},
		{
			pass: "contacts",
			key: "c1/ann@kay.example",
			line: 2,
			parentKey: "c1",
			body: { name: "Ann", email: "Ann@Kay.example", title: "CTO" },
			columns: {},
		},
		{
			pass: "onboardings",
			key: "c1/name:Rollout",
			line: 2,
			parentKey: "c1",
			body: { name: "Rollout", notes: "n" },
			columns: {},
		},
	];
	for (const record of records)
		for (const isHeld of [false, true])
			it(`${record.pass} ${record.key}${isHeld ? ", its slug suffixed" : ""}`, () => {
				const slug = slugToSend(record, isHeld);
				const parentId = record.parentKey === undefined ? undefined : "c0000000parent";
				// As the state keeps it: written as JSON, read back.
				const kept = JSON.parse(JSON.stringify(sentValuesNow(record, slug))) as FieldValues;
				const sentAgain = JSON.stringify(bodyUnder(resourceOf(record.pass), parentId, kept));
				expect(sentAgain).toBe(JSON.stringify(createBody(record, parentId, slug)));
			});
});

describe("is a create's answer the replay of an earlier send's (finding AF2)", () => {
	const now = Date.parse("2026-12-07T12:00:00Z");
	const made = (at: string) => ({ id: "c1", created_at: at }) as unknown as PivotalRecord;
	it("when the server marks it, whatever the record's age", () => {
		expect(isReplayOf(true, made("2026-12-07T12:00:00Z"), { here: now })).toBe(true);
	});
	it("when the record was made before this send left, beyond what the clocks may be apart", () => {
		expect(isReplayOf(false, made("2026-12-07T11:50:00Z"), { here: now })).toBe(true);
		expect(isReplayOf(false, made("2026-12-07T11:59:00Z"), { here: now })).toBe(false);
		// On Pivotal's clock where it is known: this machine's may run ahead.
		expect(isReplayOf(false, made("2026-12-07T11:50:00Z"), { here: now, onServer: now - 9 * 60_000 })).toBe(
			false,
		);
	});
	it("not a record made now, nor one whose time cannot be read", () => {
		expect(isReplayOf(false, made("2026-12-07T12:00:01Z"), { here: now })).toBe(false);
		expect(isReplayOf(false, made("yesterday"), { here: now })).toBe(false);
	});
});
