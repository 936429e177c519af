/**
 * Reading a plan file, which is untrusted input: it went through a pull request, a chat or an
 * artifact store. Everything is checked before anything is used, and every refusal is one
 * sentence naming the file; the paths it names are resolved from its own folder.
 */

import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { PASSES } from "../../model/records.js";
import {
	OPERATION_INDENT,
	OPERATIONS_CLOSE,
	OPERATIONS_OPEN,
	OperationsDigest,
	PLAN_FORMAT,
	PLAN_VERSION,
	type PlanHead,
	type PlanOperation,
	planDigest,
} from "./plan-file.js";

/** Larger than any plan of several million records; a larger file is not ours. */
export const MAX_PLAN_BYTES = 8 * 1024 * 1024 * 1024;

export type PlanRead =
	| {
			readonly ok: true;
			/** The plan without its operations, which were checked and digested as they were read. */
			readonly plan: PlanHead & { readonly digest: string };
			/** `OperationsDigest` of the listed operations: `apply` compares it with the planner's. */
			readonly operationsDigest: string;
	  }
	| { readonly ok: false; readonly message: string };

const KINDS = new Set(["create", "match", "update", "blocked", "kept", "skipped", "delete"]);
const COUNT_KINDS = [
	"create",
	"match",
	"update",
	"unchanged",
	"blocked",
	"kept",
	"skipped",
	"delete",
] as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
	typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number =>
	typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
// Paths and names reach sentences and the file system: no control characters, bounded length.
const isText = (value: unknown, max = 4096): value is string =>
	typeof value === "string" &&
	value.length > 0 &&
	value.length <= max &&
	!/[\u0000-\u001f\u007f]/.test(value);
const isSha = (value: unknown): boolean => typeof value === "string" && /^[0-9a-f]{64}$/.test(value);

/** What is wrong with a plan's head, as the end of a sentence; `undefined` when nothing is. */
export function planProblem(value: Json): string | undefined {
	if (!isText(value.createdAt, 64)) return "createdAt is missing";
	if (!isText(value.baseUrl) || !/^https?:\/\//.test(value.baseUrl)) return "baseUrl is not an http(s) URL";
	// --plan-out never writes one: a user or password in it is an edit, and is never echoed.
	if (hasCredentials(value.baseUrl)) return "baseUrl holds a user or password";
	const workspace = value.workspace;
	if (
		workspace !== null &&
		!(isObject(workspace) && isText(workspace.id, 200) && typeof workspace.name === "string")
	)
		return "workspace is malformed";
	if (!isObject(value.files)) return "files is missing";
	for (const pass of PASSES) {
		const file = value.files[pass];
		if (file === null && pass !== "customers") continue;
		if (!(isObject(file) && isText(file.path) && isSha(file.sha256) && isCount(file.rows)))
			return `files.${pass} is malformed`;
	}
	const map = value.map;
	if (map !== null && !(isObject(map) && isText(map.path) && isSha(map.sha256))) return "map is malformed";
	const source = value.source;
	if (
		!isObject(source) ||
		!(source.encoding === null || isText(source.encoding, 64)) ||
		!(source.delimiter === null || isText(source.delimiter, 8))
	)
		return "source is malformed";
	const state = value.state;
	if (
		!isObject(state) ||
		!(state.path === null || (isText(state.path) && state.path.endsWith(".json"))) ||
		!(
			state.kind === undefined ||
			(state.kind === "postgres" && state.path === null && isText(state.name, 200))
		) ||
		(state.kind === undefined && state.name !== undefined) ||
		!isText(state.fingerprint, 200) ||
		!isCount(state.run)
	)
		return "state is malformed";
	const options = value.options;
	if (!isObject(options) || typeof options.retryFailed !== "boolean" || typeof options.recreate !== "boolean")
		return "options is malformed";
	const rules = value.rules;
	if (
		!isObject(rules) ||
		!(rules.only === null || rules.only === "create" || rules.only === "update") ||
		!(rules.empty === "keep" || rules.empty === "clear") ||
		typeof rules.keepPivotalEdits !== "boolean" ||
		typeof rules.deleteMissing !== "boolean" ||
		!(rules.maxDeletes === null || isCount(rules.maxDeletes))
	)
		return "rules is malformed";
	if (!isObject(value.counts)) return "counts is missing";
	for (const pass of PASSES) {
		const counts = value.counts[pass];
		if (!isObject(counts) || !COUNT_KINDS.every((kind) => isCount(counts[kind])))
			return `counts.${pass} is malformed`;
	}
	if (!isCount(value.requests)) return "requests is not a count";
	return undefined;
}

function operationProblem(op: unknown): string | undefined {
	if (!isObject(op)) return "is not an object";
	if (typeof op.pass !== "string" || !(PASSES as readonly string[]).includes(op.pass))
		return "has no valid pass";
	if (typeof op.key !== "string" || op.key.length > 10_000) return "has no valid key";
	if (typeof op.op !== "string" || !KINDS.has(op.op)) return "has an unknown op";
	// A delete's row is gone from the file: it has no line.
	if (op.op === "delete" ? op.line !== undefined || !isText(op.id, 200) : !isCount(op.line))
		return op.op === "delete" ? "is a delete without an id" : "has no valid line";
	if (op.op === "update" && !Array.isArray(op.changes)) return "is an update without changes";
	return undefined;
}

/** The head of a plan is a few kilobytes; more is not a plan. */
const MAX_HEAD_CHARS = 1024 * 1024;

/**
 * Read and check a plan file, a line at a time: the head is parsed and checked, each operation
 * is checked and added to the digest, and none is kept, so a plan of a million operations costs
 * what its head costs. A file that is JSON but not in the layout `--plan-out` writes (reformatted,
 * cut short) is refused like an edited one.
 */
export async function readPlanFile(path: string): Promise<PlanRead> {
	const refuse = (why: string): PlanRead => ({ ok: false, message: `${path} ${why}` });
	try {
		const info = await stat(path);
		if (!info.isFile()) return refuse("is not a file; give the plan file that --plan-out wrote.");
		if (info.size > MAX_PLAN_BYTES)
			return refuse("is too large to be a plan file; give the file --plan-out wrote.");
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return refuse(
			code === "ENOENT"
				? "does not exist; make a plan with pivotal-tui import … --dry-run --plan-out FILE."
				: `cannot be read (${code ?? "error"}); check its permissions.`,
		);
	}
	const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
	const head: string[] = [];
	let headChars = 0;
	let stage: "head" | "operations" | "digest" | "close" | "end" = "head";
	let digest: unknown;
	let headValue: Json | undefined;
	const operations = new OperationsDigest();
	try {
		for await (const line of lines) {
			if (stage === "head") {
				if (line !== OPERATIONS_OPEN) {
					head.push(line);
					headChars += line.length;
					if (headChars > MAX_HEAD_CHARS || (head.length === 1 && line !== "{"))
						return await notOurLayout(path);
					continue;
				}
				const parsed = parseHead(head);
				if (typeof parsed === "string") return refuse(parsed);
				headValue = parsed;
				stage = "operations";
				continue;
			}
			if (stage === "operations") {
				if (line === OPERATIONS_CLOSE) {
					stage = "digest";
					continue;
				}
				if (!line.startsWith(OPERATION_INDENT)) return await notOurLayout(path);
				let operation: unknown;
				try {
					operation = JSON.parse(line.slice(OPERATION_INDENT.length).replace(/,$/, ""));
				} catch {
					return await notOurLayout(path);
				}
				const problem = operationProblem(operation);
				if (problem)
					return refuse(`is malformed (operation ${operations.count + 1} ${problem}); plan again.`);
				operations.add(operation as PlanOperation);
				continue;
			}
			if (stage === "digest") {
				const match = /^ {2}"digest": ("[^"]*")$/.exec(line);
				if (!match) return await notOurLayout(path);
				digest = JSON.parse(match[1] ?? '""');
				stage = "close";
				continue;
			}
			if (stage === "close" && line === "}") stage = "end";
			else if (!(stage === "end" && line === "")) return await notOurLayout(path);
		}
	} finally {
		lines.close();
	}
	if (stage !== "end" || headValue === undefined) return await notOurLayout(path);
	const plan = headValue as unknown as PlanHead;
	const operationsDigest = operations.digest();
	if (typeof digest !== "string" || digest !== planDigest(plan, operationsDigest))
		return refuse(
			"was changed after it was made (its digest does not match); plan again rather than edit a plan.",
		);
	return { ok: true, plan: { ...plan, digest }, operationsDigest };
}

/** The head's lines as a JSON object, checked; or why not, as the end of a sentence. */
function parseHead(lines: readonly string[]): Json | string {
	let value: unknown;
	try {
		value = JSON.parse(`${lines.join("\n").replace(/,$/, "")}\n}`);
	} catch {
		return "is not a plan file: it is not valid JSON (was it cut short or edited?); plan again.";
	}
	if (!isObject(value) || value.format !== PLAN_FORMAT)
		return "is not a pivotal-tui plan file; give the file --plan-out wrote.";
	const version = versionProblem(value);
	if (version) return version;
	const problem = planProblem(value);
	return problem ? `is malformed (${problem}); plan again.` : value;
}

function versionProblem(value: Json): string | undefined {
	if (!isCount(value.version) || value.version === 0) return "has no valid format version; plan again.";
	if (value.version > PLAN_VERSION)
		return `was made by a newer pivotal-tui (plan format ${value.version}, this one reads ${PLAN_VERSION}); update pivotal-tui or plan again.`;
	// Format 1 had no sync rules: applying it now could not say which rules it meant.
	if (value.version < PLAN_VERSION)
		return `was made by an older pivotal-tui (plan format ${value.version}, without its sync rules); plan again.`;
	return undefined;
}

/**
 * The sentence for a file that is not laid out as `--plan-out` writes: a small file is parsed
 * whole to say what it is (not JSON, not ours, a newer format); anything else was edited.
 */
async function notOurLayout(path: string): Promise<PlanRead> {
	const refuse = (why: string): PlanRead => ({ ok: false, message: `${path} ${why}` });
	const info = await stat(path);
	if (info.size <= MAX_HEAD_CHARS) {
		let value: unknown;
		try {
			value = JSON.parse(await readFile(path, "utf8"));
		} catch {
			return refuse("is not a plan file: it is not valid JSON (was it cut short or edited?); plan again.");
		}
		if (!isObject(value) || value.format !== PLAN_FORMAT)
			return refuse("is not a pivotal-tui plan file; give the file --plan-out wrote.");
		const version = versionProblem(value);
		if (version) return refuse(version);
	}
	return refuse(
		"is not laid out as --plan-out writes it (was it reformatted, cut short or edited?); plan again rather than edit a plan.",
	);
}

function hasCredentials(url: string): boolean {
	try {
		const parsed = new URL(url);
		return parsed.username !== "" || parsed.password !== "";
	} catch {
		return false;
	}
}
