/** A promise's state after pending callbacks have run: its value, or "pending". */
export async function settled<T>(value: T | Promise<T>): Promise<T | "pending"> {
	const pending = Symbol("pending");
	// A macrotask turn lets every queued microtask (and the chains they start) run first.
	const turn = new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending)));
	const result = await Promise.race([Promise.resolve(value), turn]);
	return result === pending ? "pending" : (result as T);
}
