/**
 * Records whose create a run sent with no answer, whose rows then left the files (adversarial
 * finding N6): the state keeps them in doubt, they may be in Pivotal, and no run looks them up
 * while their rows are gone. The plan and the summary say so, with what resolves them.
 *
 * Why they are not looked up without their rows: a record found is this import's creation only
 * when it is as the row's create made it (made-by-create.ts), and without the row that cannot be
 * told; taking a stranger's record for ours would have undo delete it.
 */

/** `where`: "the file" for one pass's line, "the files" for a run's. */
export function unansweredLine(count: number, where = "the file"): string {
	const one = count === 1;
	return `${count} ${one ? "record" : "records"} whose create got no answer in an earlier run ${one ? "is" : "are"} no longer in ${where}: ${one ? "it" : "they"} may be in Pivotal; put ${one ? "its row" : "their rows"} back and run again to have ${one ? "it" : "them"} looked up (and recorded, so undo can take ${one ? "it" : "them"} back).`;
}
