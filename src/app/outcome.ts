/**
 * What an application-layer step answers: its value, or why it will not go on. A refusal is the
 * one sentence (or the few lines) a person reads and the exit code a script reads; nothing was
 * sent when a step refuses.
 */

export interface Refusal {
	readonly ok: false;
	/** One sentence, or several lines joined by "\n" (a file's problems, then what to do). */
	readonly message: string;
	/** The exit code DESIGN.md gives this refusal (2 bad input, 4 auth, 6 state held…). */
	readonly code: number;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | Refusal;

export function refusal(message: string, code: number): Refusal {
	return { ok: false, message, code };
}
