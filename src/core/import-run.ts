/**
 * One run of an import or a sync, as a job of the run driver: validate, open the state, then
 * for each pass stream the records, plan each one against the state, settle what needs no
 * request on the way, and hand the rest to the executor's parts.
 */

import { PASSES, type PassName } from "../model/records.js";
import { perPass } from "../model/resources.js";
import { SourceFileError, validateSources } from "../source/index.js";
import { isThere } from "./checkpoint/file-system.js";
import { CheckpointError } from "./checkpoint/index.js";
import { deletePasses } from "./delete-passes.js";
import { walksEarly } from "./early-walk.js";
import { RecordApplier } from "./execute/apply-record.js";
import { CircuitBreaker } from "./execute/circuit-breaker.js";
import { ExistingFinder } from "./execute/find-existing.js";
import { recordPass } from "./import-passes.js";
import { defaultCheckpointPath, InputError, openState } from "./open-state.js";
import { findMissing } from "./plan/find-missing.js";
import type { MissingRecords } from "./plan/missing-records.js";
import { defaultConcurrency } from "./run-concurrency.js";
import { startRun } from "./run-driver.js";
import type { OpenedRun, RetryRequest, RunBooks, RunJob, RunPass, RunScope } from "./run-job.js";
import type { ImportDeps, ImportPlan, ImportRun, ImportSummary, SourceCheckSummary } from "./run-types.js";
import { checkUnchanged } from "./source-hash.js";
import type { StartOptions } from "./start-options.js";

export { defaultCheckpointPath, defaultConcurrency, InputError };

/** Start an import; the returned handle steers it and reports on it. */
export function startImport(plan: ImportPlan, deps: ImportDeps, options: StartOptions = {}): ImportRun {
	return startRun(new ImportJob(plan, options), deps, options);
}

export function runImport(
	plan: ImportPlan,
	deps: ImportDeps,
	options: StartOptions = {},
): Promise<ImportSummary> {
	return startImport(plan, deps, options).done;
}

/** Which failed records a round sends again. */
type Selection = { readonly retryFailed: boolean; readonly picked?: ReadonlySet<string> };

class ImportJob implements RunJob {
	readonly settings: ImportPlan;
	readonly checkpointPath: string;
	readonly #plan: ImportPlan;
	readonly #options: StartOptions;
	#check: SourceCheckSummary | undefined;
	#isFirstSync = true;
	/** `--delete-missing`: what this run deletes once the passes are done, decided before anything is sent. */
	#missing: MissingRecords | undefined;
	/**
	 * What validation learnt of the files (onboarding names, explicit slugs, each block's hash),
	 * so each pass reads its file once; only while the files are as checked (the first round).
	 */
	#known: SourceCheckSummary["known"];
	/** The finder the opening made, its customer list walking (see `walksEarly`); the first round's applier takes it. */
	#finder: ExistingFinder | undefined;

	constructor(plan: ImportPlan, options: StartOptions) {
		this.settings = plan;
		this.#plan = plan;
		this.#options = options;
		this.checkpointPath = plan.checkpointPath ?? defaultCheckpointPath(plan.files.customers);
	}

	async open(scope: RunScope): Promise<OpenedRun | undefined> {
		const plan = this.#plan;
		const checked = plan.check ?? (await this.#validate());
		if (plan.check) await checkUnchanged(plan.files, checked);
		// The rows --skip-invalid leaves out are no records of this run: its totals, its progress
		// and the state's row counts are the records it sends (a pass of 2 read "2/3", N11).
		const check = { ...checked, counts: recordCounts(checked, plan.source) };
		this.#check = check;
		// The files are as validated (the hashes match): what validation learnt of them holds.
		this.#known = check.known;
		scope.setTotals(countsOf(check));
		const me = await scope.whoAmI();
		if (me === undefined) return undefined;
		const workspace = { id: me.organization.id, name: me.organization.name };
		scope.setWorkspace(workspace);
		// A first sync's customer list is walked while the state opens (the key is proven; a GET).
		this.#finder = this.#earlyFinder(scope, check);
		// The state opens mostly in blocking file calls: the list page leaves first, not after them.
		if (this.#finder) await new Promise<void>((resolve) => setImmediate(resolve));
		try {
			const opened = await openState({
				path: this.checkpointPath,
				files: plan.files,
				check,
				keyFingerprint: plan.keyFingerprint,
				keyFingerprints: plan.keyFingerprints,
				workspace,
				baseUrl: plan.baseUrl,
				fresh: plan.fresh ?? false,
				planMark: plan.planMark ?? 0,
				expectState: plan.expectState,
				now: scope.now,
				fs: scope.deps.checkpointFs,
				open: scope.deps.openState,
				isSameWorkspace: (store) => scope.isSameWorkspace(store),
				notice: (level, message) => scope.notice(level, message),
			});
			this.#isFirstSync = opened.isFirstSync;
			return opened;
		} catch (error) {
			// Unreadable, damaged beyond its backup, read-only, or locked: one sentence naming the file, not a crash.
			if (!(error instanceof CheckpointError)) throw error;
			scope.trip("checkpoint-failed", error.message);
			return undefined;
		}
	}

	async round(
		scope: RunScope,
		books: RunBooks,
		retry: RetryRequest | undefined,
	): Promise<Iterable<RunPass<unknown>>> {
		const rules = this.#plan.rules;
		if (retry === undefined && rules?.deleteMissing) {
			let found: Awaited<ReturnType<typeof findMissing>>;
			try {
				found = await findMissing(
					this.#plan.files,
					this.#plan.source,
					books.ledger.store,
					rules.maxDeletes,
					this.#known,
				);
			} catch (error) {
				// A file changed since it was checked: nothing is deleted (or sent) on its word.
				if (!(error instanceof SourceFileError)) throw error;
				scope.trip("interrupted", `${error.message} Nothing was sent; the state is saved.`);
				return [];
			}
			if (found.refusal !== undefined) {
				await books.ledger.store.close();
				throw new InputError(found.refusal);
			}
			this.#missing = found.missing;
			const totals = countsOf(this.#check);
			const deletes = perPass(() => 0);
			for (const pass of PASSES) {
				deletes[pass] = found.missing.deletes[pass].length;
				totals[pass] += deletes[pass];
			}
			scope.setTotals(totals, deletes);
		}
		// A retry reads the files as validated too (what validation learnt, and the block hashes): a
		// file changed since stops it, where reading it afresh would send rows nobody checked.
		const picked = retry?.which ? new Set(retry.which.map((r) => `${r.pass}:${r.key}`)) : undefined;
		const selection: Selection =
			retry === undefined
				? { retryFailed: this.#plan.retryFailed ?? false }
				: picked
					? { retryFailed: false, picked }
					: { retryFailed: true };
		return this.#passes(scope, books, selection);
	}

	*#passes(scope: RunScope, books: RunBooks, selection: Selection): Generator<RunPass<unknown>> {
		const applier = this.#newApplier(scope, books);
		const plan = this.#plan;
		for (const pass of PASSES) {
			const file = plan.files[pass];
			if (!file) continue;
			yield recordPass(scope, books, applier, pass, file, {
				source: plan.source,
				known: this.#known?.[pass],
				retryFailed: selection.retryFailed,
				recreate: plan.recreate ?? false,
				isFirstSync: this.#isFirstSync,
				isPicked: selection.picked ? (key: string) => selection.picked!.has(`${pass}:${key}`) : undefined,
				rules: plan.rules,
			});
		}
		if (this.#missing) yield* deletePasses(scope, books, this.#missing);
	}

	/** A finder already walking the customer list, where the run is sure to walk it (see `walksEarly`). */
	#earlyFinder(scope: RunScope, check: SourceCheckSummary): ExistingFinder | undefined {
		const { deps } = scope;
		const isPlainFile = deps.openState === undefined && deps.checkpointFs === undefined;
		const facts = {
			isFresh: this.#plan.fresh ?? false,
			// A link to nothing is there too: its state is refused, and a walk begun would outlive
			// the refusal (adversarial finding V3).
			stateExists: isPlainFile ? isThere(this.checkpointPath) : undefined,
			customerRows: check.counts.customers ?? 0,
		};
		if (!walksEarly(facts)) return undefined;
		const finder = new ExistingFinder({
			requester: scope.requester,
			notice: scope.notice,
			isOver: scope.isOver,
			trip: scope.trip,
		});
		finder.walkCustomers();
		return finder;
	}

	#newApplier(scope: RunScope, { ledger, run }: RunBooks): RecordApplier {
		const { requester } = scope;
		const circuit = this.#options.circuitBreaker ?? { threshold: 25, action: "stop" };
		// The first round's applier takes the finder the opening made; a retry makes its own.
		const finder = this.#finder;
		this.#finder = undefined;
		return new RecordApplier({
			finder,
			importId: ledger.store.header.runId,
			run,
			ledger,
			requester,
			breaker: new CircuitBreaker(circuit.threshold),
			rules: this.#plan.rules ?? {},
			recreate: this.#plan.recreate === true,
			breakerAction: circuit.action,
			notice: scope.notice,
			trip: scope.trip,
			pause: scope.pause,
			isOver: scope.isOver,
		});
	}

	async #validate(): Promise<SourceCheckSummary> {
		const check = await validateSources(this.#plan.files, this.#plan.source);
		if (check.problemCount > 0) {
			const first = check.problems[0];
			throw new InputError(
				`${check.problemCount} problem${check.problemCount === 1 ? "" : "s"} in the input${first ? `, first: ${first.file}:${first.line}: ${first.message}` : ""}; nothing was sent.`,
			);
		}
		return check;
	}
}

/** Rows per pass less the lines `--skip-invalid` leaves out. */
function recordCounts(check: SourceCheckSummary, source: ImportPlan["source"]): Record<PassName, number> {
	return perPass((pass) => {
		const leftOut = new Set(source?.skipLines?.[pass] ?? []).size;
		return Math.max(0, (check.counts[pass] ?? 0) - leftOut);
	});
}

function countsOf(check: SourceCheckSummary | undefined): Record<PassName, number> {
	return perPass((pass) => check?.counts[pass] ?? 0);
}
