/**
 * Postgres URLs as people see them: the password never shown. A driver's error message may
 * repeat the URL or its password, so every message from the driver goes through `redact`.
 */

import { basename, extname } from "node:path";

export function isPostgresUrl(location: string): boolean {
	return /^postgres(ql)?:\/\//i.test(location);
}

/** `postgres://user:***@host:5432/db`: the URL with its password (and any query) hidden. */
export function maskUrl(url: string): string {
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
