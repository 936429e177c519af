#!/usr/bin/env node
// React picks its build when first loaded: production unless the user asks otherwise. The CLI
// is imported only after this line so that no React module can load first.
process.env.NODE_ENV ??= "production";
const { main } = await import("../dist/src/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
