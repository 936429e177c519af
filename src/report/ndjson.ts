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

	summary(summary: ImportSummary, extra: Readonly<Record<string, unknown>> = {}): void {
		this.#out.write(`${JSON.stringify({ type: "summary", ...summary, ...extra })}\n`);
	}
}
