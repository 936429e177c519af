import { keyFingerprint, maskKey } from "../../api/key.js";
import type { SavedKey } from "../../config/settings.js";

/** A key from the environment: `PIVOTAL_API_KEY`, or a variable named by `--key-env`. */
export interface EnvKey {
	readonly variable: string;
	readonly secret: string;
}

/** The variable the key comes from when none is named. */
export const DEFAULT_KEY_VARIABLE = "PIVOTAL_API_KEY";

/** The keys of these variables that are set (empty ones are skipped), in the order named. */
export function envKeysFrom(
	env: Readonly<Record<string, string | undefined>>,
	variables: readonly string[] = [DEFAULT_KEY_VARIABLE],
): EnvKey[] {
	return variables.flatMap((variable) => {
		const secret = env[variable];
		return secret ? [{ variable, secret }] : [];
	});
}

/** One key the user can tick in the key step. Holds no secret: rows are rendered. */
export interface KeyRow {
	/** Stable across renders: the source and the fingerprint. */
	readonly id: string;
	readonly source: "env" | "saved" | "pasted";
	readonly fingerprint: string;
	readonly label: string;
	readonly hint?: string;
	/** For an environment row, the variable; for a saved one, where its secret is. */
	readonly variable?: string;
	readonly where?: SavedKey["where"];
}

/**
 * The rows of the key step: environment keys, then saved keys, then keys pasted in this
 * session, each key once (a saved key that is also in the environment shows as the latter).
 */
export function keyRows(
	env: readonly EnvKey[],
	saved: readonly SavedKey[],
	pasted: readonly string[],
): KeyRow[] {
	const rows: KeyRow[] = [];
	const seen = new Set<string>();
	const savedByFingerprint = new Map(saved.map((k) => [k.fingerprint, k]));
	for (const { variable, secret } of env) {
		const fingerprint = keyFingerprint(secret);
		if (seen.has(fingerprint)) continue;
		seen.add(fingerprint);
		rows.push({
			id: `env:${fingerprint}`,
			source: "env",
			fingerprint,
			variable,
			label: `${variable} ${maskKey(secret)}`,
			...(savedByFingerprint.has(fingerprint) ? { hint: "also saved" } : {}),
		});
	}
	for (const k of saved) {
		if (seen.has(k.fingerprint)) continue;
		seen.add(k.fingerprint);
		rows.push({
			id: `saved:${k.fingerprint}`,
			source: "saved",
			fingerprint: k.fingerprint,
			where: k.where,
			label: `saved ${k.masked}`,
			hint: `${k.where === "keychain" ? "OS keychain" : "settings file · m move to keychain"} · ${k.savedAt.slice(0, 10)} · d forget`,
		});
	}
	for (const secret of pasted) {
		const fingerprint = keyFingerprint(secret);
		if (seen.has(fingerprint)) continue;
		seen.add(fingerprint);
		rows.push({
			id: `pasted:${fingerprint}`,
			source: "pasted",
			fingerprint,
			label: `pasted ${maskKey(secret)}`,
		});
	}
	return rows;
}

/**
 * The rows Enter verifies: those ticked and the highlighted one, in list order. With nothing
 * ticked that is the highlighted key alone, as with one key.
 */
export function rowsToVerify(
	rows: readonly KeyRow[],
	ticked: ReadonlySet<string>,
	highlighted: string | undefined,
): KeyRow[] {
	return rows.filter((row) => ticked.has(row.id) || row.id === highlighted);
}
