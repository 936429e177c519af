/**
 * The keys of one read of the terminal, one by one. Keys typed faster than the screen renders (a
 * double tap, key repeat, a paste) come to `useInput` as one input, which no single-key test
 * matches: each screen takes them in turn instead (adversarial findings Y4, Z11). Enter and
 * Escape come with their flag and are one key.
 */
export function keysOf(input: string, key: { readonly return: boolean; readonly escape: boolean }): string[] {
	return !key.return && !key.escape && input.length > 1 ? [...input] : [input];
}
