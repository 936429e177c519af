/**
 * Reading a plan file, which is untrusted input: it went through a pull request, a chat or an
 * artifact store. Everything is checked before anything is used, and every refusal is one
 * sentence naming the file; the paths it names are resolved from its own folder.
 */

import { readFile, stat } from "node:fs/promises";
import { PASSES } from "../../model/records.js";
import { PLAN_FORMAT, PLAN_VERSION, type PlanBody, type PlanDocument, planDigest } from "./plan-file.js";

/** Larger than any plan of a million records with room to spare; a larger file is not ours. */
export const MAX_PLAN_BYTES = 512 * 1024 * 1024;

export type PlanRead =
	| { readonly ok: true; readonly plan: PlanDocument }
	| { readonly ok: false; readonly message: string };

const KINDS = new Set(["create", "match", "update", "blocked", "kept"]);
const COUNT_KINDS = ["create", "match", "update", "unchanged", "blocked", "kept"] as const;

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

/** What is wrong with a plan's fields, as the end of a sentence; `undefined` when nothing is. */
export function planProblem(value: Json): string | undefined {
	if (!isText(value.createdAt, 64)) return "createdAt is missing";
	if (!isText(value.baseUrl) || !/^https?:\/\//.test(value.baseUrl)) return "baseUrl is not an http(s) URL";
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
		!isText(state.fingerprint, 200) ||
		!isCount(state.run)
	)
		return "state is malformed";
	const options = value.options;
	if (!isObject(options) || typeof options.retryFailed !== "boolean" || typeof options.recreate !== "boolean")
		return "options is malformed";
	if (!isObject(value.counts)) return "counts is missing";
	for (const pass of PASSES) {
		const counts = value.counts[pass];
		if (!isObject(counts) || !COUNT_KINDS.every((kind) => isCount(counts[kind])))
			return `counts.${pass} is malformed`;
	}
	if (!isCount(value.requests)) return "requests is not a count";
	if (!Array.isArray(value.operations)) return "operations is not a list";
	for (const [i, op] of value.operations.entries()) {
		const problem = operationProblem(op);
		if (problem) return `operation ${i + 1} ${problem}`;
	}
	return undefined;
}

function operationProblem(op: unknown): string | undefined {
	if (!isObject(op)) return "is not an object";
	if (typeof op.pass !== "string" || !(PASSES as readonly string[]).includes(op.pass))
		return "has no valid pass";
	if (typeof op.key !== "string" || op.key.length > 10_000) return "has no valid key";
	if (!isCount(op.line)) return "has no valid line";
	if (typeof op.op !== "string" || !KINDS.has(op.op)) return "has an unknown op";
	if (op.op === "update" && !Array.isArray(op.changes)) return "is an update without changes";
	return undefined;
}

/** Read and check a plan file. */
export async function readPlanFile(path: string): Promise<PlanRead> {
	const refuse = (why: string): PlanRead => ({ ok: false, message: `${path} ${why}` });
	let text: string;
	try {
		const info = await stat(path);
		if (!info.isFile()) return refuse("is not a file; give the plan file that --plan-out wrote.");
		if (info.size > MAX_PLAN_BYTES)
			return refuse("is too large to be a plan file; give the file --plan-out wrote.");
		text = await readFile(path, "utf8");
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return refuse(
			code === "ENOENT"
				? "does not exist; make a plan with pivotal-tui import … --dry-run --plan-out FILE."
				: `cannot be read (${code ?? "error"}); check its permissions.`,
		);
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return refuse("is not a plan file: it is not valid JSON (was it cut short or edited?); plan again.");
	}
	if (!isObject(value) || value.format !== PLAN_FORMAT)
		return refuse("is not a pivotal-tui plan file; give the file --plan-out wrote.");
	if (!isCount(value.version) || value.version === 0)
		return refuse("has no valid format version; plan again.");
	if (value.version > PLAN_VERSION)
		return refuse(
			`was made by a newer pivotal-tui (plan format ${value.version}, this one reads ${PLAN_VERSION}); update pivotal-tui or plan again.`,
		);
	const { digest, ...body } = value;
	const problem = planProblem(body);
	if (problem) return refuse(`is malformed (${problem}); plan again.`);
	if (typeof digest !== "string" || digest !== planDigest(body as unknown as PlanBody))
		return refuse(
			"was changed after it was made (its digest does not match); plan again rather than edit a plan.",
		);
	return { ok: true, plan: value as unknown as PlanDocument };
}
