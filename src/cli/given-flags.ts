/** The flags a command line names, as meow names them and as a person typed them. */

/** The flags named on a command line, camel-cased as meow names them. */
export function givenFlags(args: readonly string[]): string[] {
	const end = args.includes("--") ? args.indexOf("--") : args.length;
	return args
		.slice(0, end)
		.filter((arg) => arg.startsWith("--"))
		.map((arg) =>
			arg
				.slice(2)
				.split("=")[0]!
				.replace(/^no-/, "")
				.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
		);
}

/** A flag's name as typed: `dryRun` → `dry-run`. */
export function kebab(name: string): string {
	return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
