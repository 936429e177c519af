import { constants } from "node:fs";

const { O_APPEND, O_CREAT, O_NONBLOCK, O_TRUNC, O_WRONLY } = constants;

/**
 * Flags for a report a run writes (the Markdown summary, the failures and results CSVs), opened
 * without waiting: a FIFO with no reader is refused at once (ENXIO), said as a file not written,
 * where the open waited for a reader forever and held the process past its run and past SIGTERM
 * (adversarial finding O13). A regular file opens as it always did.
 */
export const OUTPUT_NEW = O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK;
/** The same, appended to: `$GITHUB_STEP_SUMMARY` holds the job's earlier steps too. */
export const OUTPUT_APPEND = O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK;
