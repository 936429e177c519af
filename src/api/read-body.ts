import type { Dispatcher } from "undici";

/** Most bytes of an error body read: its envelope is small; the rest is not worth memory. */
export const ERROR_BODY_MAX = 256 * 1024;
/** Most bytes of a success body read: a page of 100 records is far smaller. */
export const SUCCESS_BODY_MAX = 16 * 1024 * 1024;

export interface BodyText {
	readonly text: string;
	/** The body went on past the cap: `text` is its start only, and the rest was not read. */
	readonly isCut: boolean;
}

/**
 * The body as text, reading at most `maxBytes`: a 50 MB error message costs 256 KB, not 50 MB
 * per request. Past the cap the stream is destroyed (the connection is not reused).
 * `declaredBytes`: the answer's `Content-Length`, when it has a valid one.
 */
export async function readCapped(
	body: Dispatcher.ResponseData["body"],
	maxBytes: number,
	declaredBytes?: number,
): Promise<BodyText> {
	// A length the server declared frames the body (no more bytes belong to it): within the cap,
	// undici's own reader takes it whole, cheaper than iterating the stream.
	if (declaredBytes !== undefined && declaredBytes <= maxBytes)
		return { text: await body.text(), isCut: false };
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body as AsyncIterable<Buffer>) {
		if (size + chunk.length > maxBytes) {
			chunks.push(chunk.subarray(0, maxBytes - size));
			body.destroy();
			return { text: Buffer.concat(chunks).toString("utf8"), isCut: true };
		}
		chunks.push(chunk);
		size += chunk.length;
	}
	return { text: Buffer.concat(chunks).toString("utf8"), isCut: false };
}
