import { describe, expect, it } from "vitest";
import { bodyHash, type Operation, type ParentView, planRecord } from "../../../src/core/plan/planner.js";
import type { PivotalCopy, RecordState, SourceRecord } from "../../../src/model/records.js";

const customer: SourceRecord = {
	pass: "customers",
	key: "crm-1",
	line: 2,
	body: { name: "Acme", plan: "pro", metadata: { external_id: "crm-1" } },
	columns: {},
};
const contact: SourceRecord = {
	pass: "contacts",
	key: "crm-1/ann@acme.com",
	line: 3,
	parentKey: "crm-1",
	body: { name: "Ann", email: "ann@acme.com" },
	columns: {},
};

/** What this tool last wrote for `customer`: a sync with the same file changes nothing. */
const sameV = { name: "Acme", plan: "pro", metadata: { external_id: "crm-1" } };
const oldV = { name: "Acme", plan: "free", metadata: { external_id: "crm-1" } };
const copy = (over: Partial<PivotalCopy> = {}): PivotalCopy => ({
	id: "cus_1",
	outcome: "created",
	v: sameV,
	...over,
});
const planChange = [{ field: "plan", before: "free", after: "pro" }];

const oursParent: ParentView = { kind: "ready", copy: { id: "cus_1", outcome: "created" } };
const adoptedParent: ParentView = { kind: "ready", copy: { id: "cus_1", outcome: "existed" } };

const failed = (over: Partial<Extract<RecordState, { s: "failed" }>>): RecordState => ({
	s: "failed",
	status: 400,
	code: "invalid_request",
	message: "plan is not valid",
	attempts: 1,
	retryable: false,
	...over,
});

interface Row {
	readonly name: string;
	readonly record?: SourceRecord;
	readonly state: RecordState | undefined;
	readonly parent?: ParentView;
	readonly first?: boolean;
	readonly retryFailed?: boolean;
	readonly recreate?: boolean;
	readonly picked?: string;
	readonly expected: Operation;
}

const rows: Row[] = [
	// No state: the first sync matches customers (they may predate this import), later ones create.
	{ name: "none, first sync", state: undefined, first: true, expected: { kind: "match", generation: 0 } },
	{
		name: "none, later sync",
		state: undefined,
		first: false,
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	// Sent without an answer: in doubt, same generation so the idempotency key replays.
	{
		name: "sent, no answer",
		state: { s: "sent", attempts: 2, g: 2 },
		expected: { kind: "create", generation: 2, isInDoubt: true },
	},
	{
		name: "sent without g",
		state: { s: "sent", attempts: 1 },
		expected: { kind: "create", generation: 0, isInDoubt: true },
	},
	{
		name: "sent as an update of a known copy",
		state: { s: "sent", attempts: 1, was: copy({ v: oldV }) },
		expected: { kind: "update", copy: copy({ v: oldV }), changes: planChange },
	},
	// Done: diffed against the values last written.
	{
		name: "done, same values",
		state: { s: "done", attempts: 1, ...copy() },
		expected: { kind: "unchanged", copy: { s: "done", attempts: 1, ...copy() } as PivotalCopy },
	},
	{
		name: "done, file changed",
		state: { s: "done", attempts: 1, ...copy({ v: oldV }) },
		expected: {
			kind: "update",
			copy: { s: "done", attempts: 1, ...copy({ v: oldV }) } as PivotalCopy,
			changes: planChange,
		},
	},
	{
		name: "done without v (checkpoint v1)",
		state: { s: "done", attempts: 1, id: "cus_1", outcome: "created", g: 1 },
		expected: { kind: "match", generation: 1, id: "cus_1" },
	},
	{
		name: "done without v or g",
		state: { s: "done", attempts: 1, id: "cus_1", outcome: "existed" },
		expected: { kind: "match", generation: 0, id: "cus_1" },
	},
	// Failed, retryable: a resume tries again; 5xx and the network leave it in doubt, a 429 does not.
	{
		name: "failed retryable 503",
		state: failed({ status: 503, code: "http_503", retryable: true, g: 1 }),
		expected: { kind: "create", generation: 1, isInDoubt: true },
	},
	{
		name: "failed retryable, network",
		state: failed({ status: null, code: "reset", retryable: true }),
		expected: { kind: "create", generation: 0, isInDoubt: true },
	},
	{
		name: "failed retryable 429",
		state: failed({ status: 429, code: "rate_limited", retryable: true }),
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	{
		name: "failed retryable update of a known copy",
		state: failed({ status: 503, retryable: true, was: copy({ v: oldV }) }),
		expected: { kind: "update", copy: copy({ v: oldV }), changes: planChange },
	},
	// Failed for good: kept unless the request changed, --retry-failed, or picked on the failures screen.
	{
		name: "failed permanent, same body",
		state: failed({ b: bodyHash(customer.body) }),
		expected: { kind: "kept", reason: "failed" },
	},
	{ name: "failed permanent, no hash", state: failed({}), expected: { kind: "kept", reason: "failed" } },
	// A create refused for a slug another customer held: the slug may be free now (finding W12).
	{
		name: "create failed slug_taken, same body",
		state: failed({ status: 409, code: "slug_taken", b: bodyHash(customer.body) }),
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	{
		name: "create failed slug_taken, a round of other records picked: kept (finding Z5)",
		state: failed({ status: 409, code: "slug_taken", b: bodyHash(customer.body) }),
		picked: "someone-else",
		expected: { kind: "kept", reason: "failed" },
	},
	{
		name: "update failed slug_taken, same body: tried again (finding Y3)",
		state: failed({ status: 409, code: "slug_taken", b: bodyHash(customer.body), was: copy({ v: oldV }) }),
		expected: { kind: "update", copy: copy({ v: oldV }), changes: planChange },
	},
	{
		name: "failed permanent, body changed",
		state: failed({ b: "stale-hash-12345", g: 2 }),
		expected: { kind: "create", generation: 2, isInDoubt: false },
	},
	{
		name: "failed permanent, --retry-failed",
		state: failed({ b: bodyHash(customer.body) }),
		retryFailed: true,
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	{
		name: "failed permanent, picked",
		state: failed({ b: bodyHash(customer.body) }),
		picked: "crm-1",
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	{
		name: "failed permanent, another record picked",
		state: failed({ b: bodyHash(customer.body) }),
		picked: "crm-2",
		expected: { kind: "kept", reason: "failed" },
	},
	{
		name: "failed permanent update, --retry-failed",
		state: failed({ was: copy({ v: oldV }) }),
		retryFailed: true,
		expected: { kind: "update", copy: copy({ v: oldV }), changes: planChange },
	},
	// Blocked last time (its customer failed): now the customer is there.
	{
		name: "blocked customer, first sync",
		state: { s: "blocked", parentKey: "" },
		first: true,
		expected: { kind: "match", generation: 0 },
	},
	{
		name: "blocked customer, later sync",
		state: { s: "blocked", parentKey: "" },
		first: false,
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	{
		name: "blocked with was",
		state: { s: "blocked", parentKey: "", was: copy({ g: 3 }) },
		expected: { kind: "unchanged", copy: copy({ g: 3 }) },
	},
	{
		name: "blocked child under ours",
		record: contact,
		state: { s: "blocked", parentKey: "crm-1" },
		parent: oursParent,
		first: true,
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	{
		name: "blocked child under adopted",
		record: contact,
		state: { s: "blocked", parentKey: "crm-1" },
		parent: adoptedParent,
		first: false,
		expected: { kind: "match", generation: 0 },
	},
	// Removed: undone records come back; those deleted in Pivotal only with --recreate.
	{
		name: "removed undone",
		state: { s: "removed", why: "undone", id: "cus_1", g: 3 },
		expected: { kind: "create", generation: 3, isInDoubt: false },
	},
	{
		name: "removed gone",
		state: { s: "removed", why: "gone", id: "cus_1", g: 3 },
		expected: { kind: "kept", reason: "gone" },
	},
	{
		name: "removed gone, --recreate",
		state: { s: "removed", why: "gone", id: "cus_1", g: 3 },
		recreate: true,
		expected: { kind: "create", generation: 3, isInDoubt: false },
	},
	// Children: the parent decides between create, match and blocked; isFirstSync is for customers.
	{
		name: "child, parent ours, first sync",
		record: contact,
		state: undefined,
		parent: oursParent,
		first: true,
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	{
		name: "child, parent adopted, later sync",
		record: contact,
		state: undefined,
		parent: adoptedParent,
		first: false,
		expected: { kind: "match", generation: 0 },
	},
	{
		name: "child, parent planned, first sync",
		record: contact,
		state: undefined,
		parent: { kind: "planned" },
		first: true,
		expected: { kind: "create", generation: 0, isInDoubt: false },
	},
	{
		name: "child, parent missing",
		record: contact,
		state: undefined,
		parent: { kind: "missing" },
		expected: { kind: "blocked", parentKey: "crm-1" },
	},
	{
		name: "child done, parent missing",
		record: contact,
		state: {
			s: "done",
			attempts: 1,
			id: "con_1",
			outcome: "created",
			v: { name: "Ann", email: "ann@acme.com" },
		},
		parent: { kind: "missing" },
		expected: { kind: "blocked", parentKey: "crm-1" },
	},
	{
		name: "child sent, parent adopted",
		record: contact,
		state: { s: "sent", attempts: 1, g: 1 },
		parent: adoptedParent,
		expected: { kind: "create", generation: 1, isInDoubt: true },
	},
	{
		name: "child done, e-mail case differs only",
		record: contact,
		state: {
			s: "done",
			attempts: 1,
			id: "con_1",
			outcome: "created",
			v: { name: "Ann", email: "ANN@acme.com" },
		},
		parent: oursParent,
		expected: {
			kind: "unchanged",
			copy: {
				s: "done",
				attempts: 1,
				id: "con_1",
				outcome: "created",
				v: { name: "Ann", email: "ANN@acme.com" },
			} as PivotalCopy,
		},
	},
];

describe("planRecord", () => {
	it.each(rows)("$name", (row) => {
		const options = {
			retryFailed: row.retryFailed ?? false,
			recreate: row.recreate ?? false,
			isFirstSync: row.first ?? false,
			// A round of picked records only when the row picks one.
			...(row.picked === undefined ? {} : { isPicked: (key: string) => key === row.picked }),
		};
		expect(planRecord(row.record ?? customer, row.state, row.parent, options)).toEqual(row.expected);
	});

	it("does not need isPicked", () => {
		const op = planRecord(customer, failed({ b: bodyHash(customer.body) }), undefined, {
			retryFailed: false,
			recreate: false,
			isFirstSync: false,
		});
		expect(op).toEqual({ kind: "kept", reason: "failed" });
	});
});

describe("bodyHash", () => {
	it("is stable for one body and changes with any value", () => {
		expect(bodyHash({ name: "Acme" })).toBe(bodyHash({ name: "Acme" }));
		expect(bodyHash({ name: "Acme" })).not.toBe(bodyHash({ name: "Acme Inc" }));
		expect(bodyHash({ name: "Acme" })).toMatch(/^[A-Za-z0-9_-]{16}$/);
	});
});
