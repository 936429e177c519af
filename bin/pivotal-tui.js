#!/usr/bin/env node
// React picks its build when first loaded: production unless the user asks otherwise. The CLI
// is imported only after these lines so that no React or Ink module can load first.
process.env.NODE_ENV ??= "production";
// A terminal on both ends is a person, whatever the environment says: Ink's CI mode draws no
// live frames and would leave them a blank screen. CI runners have no terminal and are unaffected.
if (process.stdin.isTTY && process.stdout.isTTY) {
	process.env.CI = "false";
	process.env.CONTINUOUS_INTEGRATION = "false";
}
const { main } = await import("../dist/src/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
