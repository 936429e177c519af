import { maskKey } from "../api/key.js";

/** A flag as meow declares it (camelCase name); only what the check needs. */
export interface FlagSpec {
	readonly type: "string" | "number" | "boolean";
	readonly isMultiple?: boolean;
}

export interface ArgvSpec {
	/** By meow's camelCase name. */
	readonly flags: Readonly<Record<string, FlagSpec>>;
	/** What a value flag's value is, for the sentences (`contacts` → `FILE`). @default "VALUE" */
	readonly valueNames?: Readonly<Record<string, string>>;
}

const kebab = (camel: string) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A value as a sentence may repeat it: a key pasted by mistake shows masked, anything long is cut. */
export function shown(value: string): string {
	if (/^pivotal_/i.test(value)) return maskKey(value);
	return value.length > 40 ? `${value.slice(0, 39)}…` : value;
}

/**
 * One sentence for the first mistake in the options (what follows the command), or `undefined`
 * when meow can parse them as meant. Catches what meow lets through silently (a value flag with
 * no value, a number flag given a word, `--no-` on a value flag, a boolean given a value) or
 * throws on as if it were a crash (a flag given twice that is not repeatable), and flags meow
 * does not know.
 */
export function checkArgv(args: readonly string[], spec: ArgvSpec): string | undefined {
	const byName = new Map(Object.entries(spec.flags).map(([name, flag]) => [kebab(name), flag]));
	const valueName = (name: string) =>
		spec.valueNames?.[name] ??
		spec.valueNames?.[name.replace(/-(.)/g, (_, c: string) => c.toUpperCase())] ??
		"VALUE";
	const seen = new Set<string>();
	for (let i = 0; i < args.length; i++) {
		const arg = args[i] ?? "";
		if (arg === "--") return undefined;
		if (!arg.startsWith("-") || arg === "-") continue;
		if (!arg.startsWith("--")) {
			return `Unknown option ${shown(arg.split("=")[0] ?? arg)}: options are spelled out in full (e.g. --yes); run pivotal-tui --help for the options.`;
		}
		const equals = arg.indexOf("=");
		const written = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
		const inline = equals === -1 ? undefined : arg.slice(equals + 1);
		const isNegated = written.startsWith("no-") && !byName.has(written);
		const name = isNegated ? written.slice(3) : written;
		const flag = byName.get(name);
		if (flag === undefined)
			return `Unknown option --${shown(written)}; run pivotal-tui --help for the options.`;
		if (seen.has(name) && !flag.isMultiple) {
			return `--${name} is given more than once; give it once${isNegated || flag.type === "boolean" ? "" : " with the value you mean"}.`;
		}
		seen.add(name);
		if (flag.type === "boolean") {
			if (inline !== undefined && !/^(true|false)$/.test(inline)) {
				return `--${written} is a switch and takes no value (drop “=${shown(inline)}”).`;
			}
			continue;
		}
		if (isNegated)
			return `--${written} is not an option: --${name} takes a value (--${name} ${valueName(name)}).`;
		let value = inline;
		if (value === undefined) {
			const next = args[i + 1];
			const isValue =
				next !== undefined &&
				next !== "--" &&
				(!next.startsWith("-") || (flag.type === "number" && NUMBER.test(next)));
			if (isValue) {
				value = next;
				i += 1;
			}
		}
		if (value === undefined || value.trim() === "") {
			return `--${name} needs a value: --${name} ${valueName(name)}.`;
		}
		if (flag.type === "number" && !NUMBER.test(value.trim())) {
			return `--${name} needs a number, not “${shown(value)}”.`;
		}
	}
	return undefined;
}

/**
 * The same check for meow's own messages, should one get past `checkArgv`: meow names flags in
 * camelCase (`--keyEnv`), the user typed kebab-case.
 */
export function meowMessage(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	const spelled = text
		.replace(/--([a-z]+[A-Z][A-Za-z]*)/g, (_, name: string) => `--${kebab(name)}`)
		.replace(/\.+$/, "");
	return `${spelled}; run pivotal-tui --help for the options.`;
}
