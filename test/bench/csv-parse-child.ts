/**
 * The baseline of row d, run as its own process: the tightest plain csv-parse loop over a file
 * (defaults, records drained with read() on each readable event), printing the row count.
 */

import { createReadStream } from "node:fs";
import { parse } from "csv-parse";

const file = process.argv[2];
if (!file) {
	process.stderr.write("usage: csv-parse-child FILE\n");
	process.exit(2);
}
const parser = createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(parse());
let rows = 0;
parser.on("readable", () => {
	while (parser.read() !== null) rows++;
});
parser.on("end", () => {
	process.stdout.write(`${JSON.stringify({ rows })}\n`);
});
