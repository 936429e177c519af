/**
 * One question on the terminal. Ctrl+C or Ctrl+D at the prompt is an answer too, "no": the
 * line is ended (the cursor sits after the question) and the caller says the command was
 * cancelled, where the prompt's rejection used to surface as an unexpected error glued to the
 * question (adversarial finding N11).
 */

import { createInterface } from "node:readline/promises";

export interface AskStreams {
	/** @default process.stdin */
	readonly input?: NodeJS.ReadableStream;
	/** @default process.stdout */
	readonly output?: NodeJS.WritableStream;
	/** Whether the input is a terminal (keys such as Ctrl+C read as keys). @default the input's `isTTY` */
	readonly terminal?: boolean;
}

/** The sentence a cancelled prompt ends with. */
export const CANCELLED = "Cancelled; nothing was sent.";

/** The answer, or undefined when Ctrl+C or Ctrl+D closed the prompt. */
export async function ask(question: string, streams: AskStreams = {}): Promise<string | undefined> {
	const output = streams.output ?? process.stdout;
	const prompt = createInterface({
		input: streams.input ?? process.stdin,
		output,
		...(streams.terminal === undefined ? {} : { terminal: streams.terminal }),
	});
	try {
		return await prompt.question(question);
	} catch (error) {
		if ((error as { name?: unknown }).name !== "AbortError") throw error;
		output.write("\n");
		return undefined;
	} finally {
		prompt.close();
	}
}
