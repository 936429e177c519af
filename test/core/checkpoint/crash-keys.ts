import { PASSES, type PassName } from "../../../src/model/records.js";

/** Few keys, so that the child's checkpoint compacts every few dozen updates. */
export const CHILD_KEYS = 30;

/** The record the crash child's i-th update goes to: shared by the child and the test. */
export function keyOf(i: number): { readonly pass: PassName; readonly key: string } {
	return { pass: PASSES[i % PASSES.length] ?? "customers", key: `k${i % CHILD_KEYS}` };
}
