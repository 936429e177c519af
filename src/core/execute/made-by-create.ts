/**
 * Whether a record found in Pivotal for a create left in doubt is the one that create made. An
 * earlier send that got no answer may have made it; so may someone else (another tool, a person
 * in Pivotal) with the same external id, slug or e-mail. `undo` and `--delete-missing` delete
 * what this import created and never anything else, so the record counts as made by the create
 * only when everything about it fits what the create sent (findings M6, N1, N4):
 *
 * - it holds every field one of the create's sends carried, as it carried it, and the slug it
 *   carried (the state's mark keeps those bodies; for a mark an older version wrote, the row's);
 * - it holds nothing that send did not: every optional field it leaves unset is empty (a flag
 *   such as `is_primary` unset) or the server's default (an onboarding's phase), and its
 *   metadata has no key the body does not own;
 * - it was made after the create was first sent (on Pivotal's clock where the mark has it, less
 *   a margin), when the state knows that time.
 *
 * Anything else is adopted as existing: undo puts its fields back and never deletes it. A record
 * this import made and someone edited since is then left in Pivotal by an undo: the safe side.
 */

import type { PivotalRecord } from "../../api/types.js";
import type { FieldValues, PassName, RecordState, SourceRecord } from "../../model/records.js";
import { bodyUnder, resourceOf } from "../../model/resources.js";
import { idTag, withSuffix } from "../../source/slug/index.js";
import { diffFields, ownedValues, readBack } from "../plan/field-diff.js";
import type { ClockBounds } from "../whole-second-window.js";

/** How far Pivotal's clock may stand behind this machine's before a record looks made too early. */
export const CLOCK_MARGIN_MS = 2 * 60_000;

export interface CreateSent {
	/** The slugs the create may have carried (the row's or derived one, and its suffixed form). */
	readonly slugs: readonly string[];
	/** When the create was first sent (epoch ms, this machine's clock); undefined when not known. */
	readonly firstSentAt: number | undefined;
	/** The same on Pivotal's clock, at the earliest, when the state knows it: used before `firstSentAt`. */
	readonly firstOnServerAt?: number | undefined;
	/**
	 * The values its sends carried while in doubt (the slug sent among them), when the state kept
	 * them: the row may have been edited since (finding AB1).
	 */
	readonly values?: readonly FieldValues[] | undefined;
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)
	);
}

function asObject(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

export function isMadeByCreate(record: SourceRecord, server: PivotalRecord, sent: CreateSent): boolean {
	const found = server as unknown as Readonly<Record<string, unknown>>;
	// On Pivotal's clock where the mark has it: this machine's may be minutes off (finding AC6).
	const sentAt = sent.firstOnServerAt ?? sent.firstSentAt;
	if (sentAt !== undefined && typeof found.created_at === "string") {
		const made = Date.parse(found.created_at);
		if (Number.isFinite(made) && made < sentAt - CLOCK_MARGIN_MS) return false;
	}
	// What the sends carried, where the mark keeps it: only a body that went out can have made the
	// record (adversarial finding AD7: a row edited to agree with a record a person made by hand
	// counted it as the import's). The row's values where it keeps none (an older state).
	if (sent.values !== undefined && sent.values.length > 0)
		return sent.values.some((values) => holdsJust(record.pass, values, found, []));
	return holdsJust(record.pass, record.body, found, sent.slugs);
}

/**
 * `found` holds every value of `body` and nothing a create of `body` would not have set; its
 * slug one of `slugs` when a slug was derived for the body (a body that carries one compares it
 * as any other value).
 */
function holdsJust(
	pass: PassName,
	body: FieldValues,
	found: Readonly<Record<string, unknown>>,
	slugs: readonly string[],
): boolean {
	const owned = ownedValues(body);
	if (diffFields(pass, body, readBack(pass, owned, found)).length > 0) return false;
	if (slugs.length > 0 && typeof found.slug === "string" && !slugs.includes(found.slug)) return false;
	const resource = resourceOf(pass);
	for (const field of Object.keys(resource.cleared ?? {}))
		if (!Object.hasOwn(body, field) && !isEmpty(found[field])) return false;
	for (const column of resource.columns)
		if (column.kind === "boolean" && !Object.hasOwn(body, column.name) && found[column.name] === true)
			return false;
	// A field the server fills in when the create leaves it out holds its default (finding AC9).
	for (const [field, value] of Object.entries(resource.defaults ?? {}))
		if (!Object.hasOwn(body, field) && !isEmpty(found[field]) && found[field] !== value) return false;
	const ours = asObject(owned.metadata);
	for (const key of Object.keys(asObject(found.metadata))) if (!Object.hasOwn(ours, key)) return false;
	return true;
}

/**
 * The largest create body whose values the mark keeps: a row may run to 8 MiB (`MAX_RECORD_CHARS`),
 * and a state line is written before every create. A customer with a metadata cell of tens of KB
 * is kept (adversarial finding AC4: at 16 KiB, its create left in doubt and its row then edited
 * was adopted as existing); past this, the row's values alone decide, as before the mark kept any.
 */
export const MAX_SENT_VALUES_CHARS = 1024 * 1024;
/** The most bodies a mark keeps: the first send's and the latest ones. */
const MAX_SENT_VALUES = 3;

/**
 * The values a create's mark keeps: those of every send that may have landed while it is in
 * doubt (the record in doubt, or failed for a cause of the moment), this one's last, at most
 * `MAX_SENT_VALUES` (the first and the latest). A record
 * found later is the create's when it holds the row's values or one of these: the row may have
 * been edited since a send that got no answer (finding AB1).
 */
export function sentValuesOf(
	previous: RecordState | undefined,
	values: FieldValues,
	bodyChars: number,
): readonly FieldValues[] | undefined {
	const earlier =
		previous?.s === "sent" || (previous?.s === "failed" && previous.retryable) ? (previous.sv ?? []) : [];
	const text = earlier.length === 0 ? "" : JSON.stringify(values);
	const others = earlier.filter((sent) => JSON.stringify(sent) !== text);
	if (bodyChars > MAX_SENT_VALUES_CHARS) return others.length > 0 ? others : undefined;
	const all = [...others, values];
	// The first send's and the latest: the first is the one a lost answer most often hides (AC10).
	return all.length <= MAX_SENT_VALUES ? all : [all[0] as FieldValues, ...all.slice(1 - MAX_SENT_VALUES)];
}

/**
 * How long after a create first left a uniqueness conflict on its resend proves it never landed:
 * well inside the 24 h Pivotal keeps a key's answer, which a server may keep for less.
 */
export const PROOF_WITHIN_MS = 60 * 60_000;

/**
 * A create in doubt, sent again under the same key with the same body, answered with a
 * uniqueness conflict (`slug_taken`, `email_taken`) rather than the replay of its first answer:
 * Pivotal keeps the answer of a create that succeeded for 24 h and replays it for that key and
 * body, so within the hour the earlier sends did not land, and the record that holds the slug or
 * e-mail is someone else's, however well it fits the row (adversarial finding AC2: a contact a
 * person added by hand after the lost create was then deleted by undo). Only when the mark kept
 * what its sends carried (`sv`), all under this generation's key.
 */
export function isProvenUnmade(
	previous: RecordState | undefined,
	generation: number,
	sentNow: FieldValues,
	now: { readonly here: number; readonly onServer?: number | undefined } = { here: Date.now() },
): boolean {
	// In doubt, or given up on a cause of the moment (adversarial finding AD6).
	if (previous?.s !== "sent" && !(previous?.s === "failed" && previous.retryable)) return false;
	if (!isWithinProof(previous, now)) return false;
	if ((previous.g ?? 0) !== generation || previous.sv === undefined || previous.sv.length === 0) return false;
	// Under one key: a send of it that landed has every later one answered with its replay or
	// `idempotency_key_reused`, whatever the body, never a uniqueness conflict (adversarial finding
	// AE3). A customer's key changes with a suffixed slug (`.s`): every send carried this slug.
	return previous.sv.every((sent) => sent.slug === sentNow.slug);
}

/**
 * Is it less than `PROOF_WITHIN_MS` since the create in doubt in `previous` first left? On
 * Pivotal's clock where both ends are known: this machine's may have been set since, or the state
 * carried to another (adversarial finding AD8).
 */
export function isWithinProof(
	previous: RecordState,
	now: { readonly here: number; readonly onServer?: number | undefined },
): boolean {
	if (previous.s !== "sent" && previous.s !== "failed") return false;
	const elapsed =
		previous.ts !== undefined && now.onServer !== undefined
			? now.onServer - previous.ts
			: previous.t === undefined
				? undefined
				: now.here - previous.t;
	return elapsed !== undefined && elapsed < PROOF_WITHIN_MS;
}

/** What the create in doubt in `state` may have sent, as its mark keeps it: `slugs`, the row's. */
export function createSentOf(state: RecordState | undefined, slugs: readonly string[]): CreateSent {
	const values = state?.s === "sent" || state?.s === "failed" ? state.sv : undefined;
	const onServer = onServerOf(state);
	return {
		slugs,
		firstSentAt: firstSendOf(state),
		...(onServer === undefined ? {} : { firstOnServerAt: onServer }),
		...(values === undefined ? {} : { values }),
	};
}

/** When a create in doubt first left (`t` of its mark), when the state knows. */
export function firstSendOf(state: RecordState | undefined): number | undefined {
	return state?.s === "sent" || state?.s === "failed" ? state.t : undefined;
}

/** When a create in doubt first left on Pivotal's clock (`ts` of its mark), when the state knows. */
export function onServerOf(state: RecordState | undefined): number | undefined {
	return state?.s === "sent" || state?.s === "failed" ? state.ts : undefined;
}

/**
 * `at` (this machine's clock) on Pivotal's, at the earliest: less the most this clock is proven
 * ahead of it. Undefined before any answer's `Date` spoke of it.
 */
export function onServerClock(at: number, clock: ClockBounds | undefined): number | undefined {
	const ahead = clock?.aheadAtMostMs;
	return ahead === undefined ? undefined : Math.floor(at - ahead);
}

/**
 * A customer holding the slug a create in doubt sent, without an external id, that may still be
 * that create's record: it has the row's name or the name one of its sends carried, and was made
 * after the create first left (on Pivotal's clock where the mark has it, less the margin).
 */
export function mayBeLostCreate(record: SourceRecord, holder: PivotalRecord, sent: CreateSent): boolean {
	const found = holder as unknown as Readonly<Record<string, unknown>>;
	if (typeof asObject(found.metadata).external_id === "string") return false;
	const names = [record.body.name, ...(sent.values ?? []).map((values) => values.name)];
	if (!names.includes(found.name)) return false;
	const sentAt = sent.firstOnServerAt ?? sent.firstSentAt;
	if (sentAt === undefined || typeof found.created_at !== "string") return true;
	const made = Date.parse(found.created_at);
	return !Number.isFinite(made) || made >= sentAt - CLOCK_MARGIN_MS;
}

/**
 * The mark without `sent`, a body Pivotal answered `idempotency_key_reused`: the key's stored
 * body is another, so no send of this one landed. Keeping it would crowd out of the kept three the
 * body that did (adversarial finding AE2). Undefined when the mark does not hold it.
 */
export function withoutUnlanded(mark: RecordState | undefined, sent: FieldValues): RecordState | undefined {
	if (mark?.s !== "sent" || mark.sv === undefined) return undefined;
	const text = JSON.stringify(sent);
	const kept = mark.sv.filter((values) => JSON.stringify(values) !== text);
	if (kept.length === mark.sv.length) return undefined;
	const { sv: _sent, ...rest } = mark;
	return kept.length === 0 ? rest : { ...rest, sv: kept };
}

/**
 * The slug a customer's create carries: the file's or the derived one, and when that one is held
 * by another customer in Pivotal, the same with a suffix derived from the external id.
 */
export function slugToSend(record: SourceRecord, isHeld: boolean): string | undefined {
	if (!resourceOf(record.pass).derivesSlug) return undefined;
	const slug = typeof record.body.slug === "string" ? record.body.slug : record.slug;
	if (slug === undefined || !isHeld) return slug;
	return withSuffix(slug, idTag(record.key));
}

/**
 * What Pivotal holds if a create of `record` carrying `slug` lands: the file's values, with the
 * slug sent where the file has one (findings V12, Z8).
 */
export function ownedSent(record: SourceRecord, slug: string | undefined): FieldValues {
	return ownedValues(
		typeof record.body.slug === "string" && slug !== undefined && slug !== record.body.slug
			? { ...record.body, slug }
			: record.body,
	);
}

/** The values a create of `record` carrying `slug` sends, as a mark keeps them: the slug among them. */
export function sentValuesNow(record: SourceRecord, slug: string | undefined): FieldValues {
	const values = ownedSent(record, slug);
	return slug === undefined ? values : { ...values, slug };
}

/** What the create in doubt for `record` may have sent, as `state`'s mark keeps it: its slugs among it. */
export function createSentFor(record: SourceRecord, state: RecordState | undefined): CreateSent {
	const slug = slugToSend(record, false);
	return createSentOf(state, slug === undefined ? [] : [slug, slugToSend(record, true) as string]);
}

/**
 * The body a create of `record` sends, carrying `slug`, under its parent `parentId` where the body
 * names it. The file's own slug goes as it is: no copy of the body to set it to itself. The values
 * a mark keeps of it (`sentValuesNow`) are this body in the same order, less the parent's id, so a
 * kept send goes again byte for byte (`InDoubtCreates`' ask).
 */
export function createBody(
	record: SourceRecord,
	parentId: string | undefined,
	slug: string | undefined,
): Readonly<Record<string, unknown>> {
	return bodyUnder(
		resourceOf(record.pass),
		parentId,
		slug === undefined || slug === record.body.slug ? record.body : { ...record.body, slug },
	);
}

/**
 * Is a create's answer the replay of an earlier send's? Said by `Idempotent-Replayed` where the
 * server sends it (never relied on alone), or by a record made before this send left, less the
 * margin the clocks may be apart (`sentAt`: this machine's clock and, where known, Pivotal's).
 */
export function isReplayOf(
	isMarked: boolean,
	answer: PivotalRecord,
	sentAt: { readonly here: number; readonly onServer?: number | undefined },
): boolean {
	if (isMarked) return true;
	const made = Date.parse(String((answer as unknown as Readonly<Record<string, unknown>>).created_at));
	return Number.isFinite(made) && made < (sentAt.onServer ?? sentAt.here) - CLOCK_MARGIN_MS;
}
