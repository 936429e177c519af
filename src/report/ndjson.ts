import type { ImportEvent } from "../core/events.js";
import type { ImportSummary } from "../core/run-types.js";
import type { Writer } from "./headless.js";

/** `--json`: one event per line as the engine emits it, the summary last (`type: "summary"`). */
export class NdjsonReporter {
	readonly #out: Writer;

	constructor(out: Writer) {
		this.#out = out;
	}

	onEvent(event: ImportEvent): void {
		this.#out.write(`${JSON.stringify(event)}\n`);
	}

	#session: { requests: number; rateLimited: number; retries: number } | undefined;

	/** This run's own counts: the summary's `requests` is then this run's, the import's total beside. */
	setSession(session: { requests: number; rateLimited: number; retries: number }): void {
		this.#session = session;
	}

	summary(summary: ImportSummary, extra: Readonly<Record<string, unknown>> = {}): void {
		const own = this.#session
			? { ...this.#session, requestsAllRuns: summary.requests }
			: { requestsAllRuns: summary.requests };
		this.#out.write(`${JSON.stringify({ type: "summary", ...summary, ...own, ...extra })}\n`);
	}
}
