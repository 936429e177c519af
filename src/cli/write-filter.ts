/**
 * Every later write to a stream passed through `transform` first: the keys masked, file names'
 * control characters escaped. Text and buffers alike; a chunk the transform leaves as it is goes
 * out untouched (a buffer stays a buffer).
 */
export function filterWrites(stream: NodeJS.WriteStream, transform: (text: string) => string): void {
	const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
	const filtered = (chunk: unknown): unknown => {
		const text =
			typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : undefined;
		if (text === undefined) return chunk;
		const out = transform(text);
		return out === text ? chunk : out;
	};
	stream.write = ((chunk: unknown, ...rest: unknown[]) =>
		write(filtered(chunk), ...rest)) as typeof stream.write;
}
