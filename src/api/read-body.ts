/** The caps on an answer's body as the client reads it (`text-exchange.ts`), and what it hands back. */

/** Most bytes of an error body read: its envelope is small; the rest is not worth memory. */
export const ERROR_BODY_MAX = 256 * 1024;
/** Most bytes of a success body read: a page of 100 records is far smaller. */
export const SUCCESS_BODY_MAX = 16 * 1024 * 1024;

export interface BodyText {
	readonly text: string;
	/** The body went on past the cap: `text` is its start only, and the rest was not read. */
	readonly isCut: boolean;
}
