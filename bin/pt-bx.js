#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// React picks its build when first loaded: production unless the user asks otherwise. The CLI
// is imported only after these lines so that no React or Ink module can load first.
process.env.NODE_ENV ??= "production";
// A terminal on both ends is a person, whatever the environment says: Ink's CI mode draws no
// live frames and would leave them a blank screen. CI runners have no terminal and are unaffected.
if (process.stdin.isTTY && process.stdout.isTTY) {
	process.env.CI = "false";
	process.env.CONTINUOUS_INTEGRATION = "false";
}
// A refresh of a million records keeps some hundreds of megabytes alive (the state's keys and
// maps); V8 lets the heap grow to up to four times what is alive between two collections, which
// is most of the peak. One and a half times keeps the peak near what is used, for a little more
// collecting. Read by V8 at each collection, so setting it here, before any work, takes effect.
setFlagsFromString("--heap-growing-percent=50");
const { main } = await import("../dist/src/cli/bx/main.js");

process.exitCode = await main(process.argv.slice(2));
