/**
 * Postgres URLs as people see them: the password never shown. A driver's error message may
 * repeat the URL or its password, so every message from the driver goes through `redact`.
 */

import { basename, extname } from "node:path";

export function isPostgresUrl(location: string): boolean {
	return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * The user and password part of a URL whose `@`, `/`, `#` or `?` in the password were not
 * percent-encoded: everything between `://` and the last `@` when that `@` is not where a URL
 * parser would end the user part (more than one `@`, or one after a `/`, `?` or `#`); undefined
 * for a URL that reads one way only. Parsers would take part of the password for the host.
 */
export function ambiguousUserinfo(url: string): string | undefined {
	const start = url.indexOf("://");
	if (start === -1) return undefined;
	const rest = url.slice(start + 3);
	const lastAt = rest.lastIndexOf("@");
	if (lastAt === -1) return undefined;
	const authorityEnd = rest.search(/[/?#]/);
	const isAmbiguous = rest.indexOf("@") !== lastAt || (authorityEnd !== -1 && authorityEnd < lastAt);
	return isAmbiguous ? rest.slice(0, lastAt) : undefined;
}

/** The sentence for a URL whose password needs percent-encoding. */
export function ambiguousUrlSentence(url: string): string {
	return `The state URL ${maskUrl(url)} has an @, /, # or ? in its user or password that is not percent-encoded; write the password percent-encoded (@ as %40, / as %2F, # as %23, ? as %3F) and run again.`;
}

/** `postgres://user:***@host:5432/db`: the URL with its password (and any query) hidden. */
export function maskUrl(url: string): string {
	const userinfo = ambiguousUserinfo(url);
	if (userinfo !== undefined) {
		// Which part is the password is unknowable: all of it is hidden, the host shown.
		const start = url.indexOf("://");
		const after = url.slice(start + 3 + userinfo.length + 1).replace(/[?#].*$/s, "");
		return `${url.slice(0, start)}://***@${after}`;
	}
	try {
		const parsed = new URL(url);
		const user = decodeURIComponent(parsed.username);
		const auth = user === "" ? "" : parsed.password === "" ? `${user}@` : `${user}:***@`;
		return `${parsed.protocol}//${auth}${parsed.host}${parsed.pathname}`;
	} catch {
		// Not a URL we can read: show only its scheme, never what might be a password.
		return `${url.split("//")[0] ?? "postgres:"}//…`;
	}
}

/** The secrets a URL (and the environment) may hold: its password, raw and decoded, and the URL. */
export function secretsOfUrl(url: string, env: NodeJS.ProcessEnv = process.env): string[] {
	const secrets = [url];
	const userinfo = ambiguousUserinfo(url);
	if (userinfo !== undefined) {
		secrets.push(userinfo);
		const colon = userinfo.indexOf(":");
		if (colon !== -1) secrets.push(userinfo.slice(colon + 1));
	}
	try {
		const parsed = new URL(url);
		if (parsed.password !== "") secrets.push(parsed.password, decodeURIComponent(parsed.password));
	} catch {
		// Not parsable: the whole URL is the secret.
	}
	if (env.PGPASSWORD) secrets.push(env.PGPASSWORD);
	// Longest first: a password inside the URL is replaced with the URL, not before it.
	return [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
}

/** `text` with the URL shown masked and any password replaced by `***`. */
export function redact(text: string, url: string, env: NodeJS.ProcessEnv = process.env): string {
	let out = text;
	for (const secret of secretsOfUrl(url, env))
		out = out.replaceAll(secret, secret === url ? maskUrl(url) : "***");
	return out;
}

/** An import's name in a database when `--name` is not given: the customers file's base name. */
export function defaultImportName(customersFile: string): string {
	const base = basename(customersFile.split("#")[0] ?? customersFile);
	const ext = extname(base);
	return ext === "" ? base : base.slice(0, -ext.length);
}

/** Where the CLI's state lives: `--state`, else `PIVOTAL_STATE_URL`, else the checkpoint file. */
export type StateLocation =
	| { readonly kind: "file"; readonly path: string }
	| { readonly kind: "postgres"; readonly url: string; readonly name: string };

export function stateLocation(
	flags: {
		readonly state?: string | undefined;
		readonly checkpoint?: string | undefined;
		readonly name?: string | undefined;
	},
	env: NodeJS.ProcessEnv,
	customersFile: string,
	defaultPath: string,
): StateLocation {
	if (flags.checkpoint !== undefined) return { kind: "file", path: flags.checkpoint };
	const given = flags.state ?? env.PIVOTAL_STATE_URL;
	if (given !== undefined && given !== "" && isPostgresUrl(given))
		return { kind: "postgres", url: given, name: flags.name ?? defaultImportName(customersFile) };
	return { kind: "file", path: given !== undefined && given !== "" ? given : defaultPath };
}
