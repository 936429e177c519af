import { findRepeatedKey, keyFingerprint, maskKey, validateKeyShape } from "../api/key.js";
import type { PivotalClient } from "../api/types.js";
import { EXIT } from "../core/exit-codes.js";
import type { KeyLane } from "../core/run-types.js";
import { asSentence } from "../model/sentence.js";
import { DEFAULT_KEY_VARIABLE, type EnvKey } from "../ui/model/key-choices.js";
import type { Outcome } from "./outcome.js";

export type { EnvKey };

import { keyPoolProblem, poolChecked, toKeyLane, verifyKeys } from "../ui/model/verify-key.js";

/** The keys of a command line, or the one sentence and exit code that refuse them. */
export type KeysOutcome<T> = Outcome<T>;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const refuse = (message: string, code: number = EXIT.usage) => ({ ok: false, message, code }) as const;

/**
 * The keys named by `--key-env` (default `PIVOTAL_API_KEY`), read from the environment and
 * checked without sending anything: each variable once, set, holding something shaped like a
 * key, and no key twice (it would count one rate limit twice).
 */
export function keysFromEnv(
	variables: readonly string[],
	env: Readonly<Record<string, string | undefined>>,
): KeysOutcome<readonly EnvKey[]> {
	const names = variables.length > 0 ? variables : [DEFAULT_KEY_VARIABLE];
	const keys: EnvKey[] = [];
	for (const [i, variable] of names.entries()) {
		if (validateKeyShape(variable) === undefined) {
			return refuse(
				"--key-env takes the name of an environment variable, not a key: put the key in a variable (export PIVOTAL_API_KEY_2=…) and name that.",
			);
		}
		if (!VARIABLE_NAME.test(variable))
			return refuse(`--key-env “${variable}” is not an environment variable name (letters, digits and _).`);
		if (names.indexOf(variable) !== i)
			return refuse(`--key-env ${variable} is given twice; name each variable once.`);
		const secret = env[variable];
		if (!secret) {
			return refuse(
				`No API key: set ${variable} in the environment (keys are never taken from a flag, which would leak into shell history).`,
			);
		}
		const problem = validateKeyShape(secret);
		if (problem) return refuse(`${problem} (from ${variable})`);
		keys.push({ variable, secret });
	}
	const repeated = findRepeatedKey(keys.map((k) => k.secret));
	if (repeated) {
		const [a, b] = repeated.map((i) => keys[i] as EnvKey);
		return refuse(
			`${a?.variable} and ${b?.variable} hold the same key (${maskKey(a?.secret ?? "")}); give each key once.`,
		);
	}
	return { ok: true, value: keys };
}

/**
 * One lane per key. With several keys each is verified first (one `GET /me` each, at once) and
 * they must be of one workspace, so that nothing is written before the pool is known to be
 * sound; one key alone is verified by the engine's own opening `GET /me`, as before.
 *
 * A key of a pool that could not be verified for a reason of the moment (429: another client is
 * spending its window; a 5xx; no answer) is left out of this run, said through `warn`, and the
 * run goes on with the keys that answered (adversarial finding AA1): a busy key of a pool ended a
 * nightly run that its other keys could carry. A key refused (401/403) still refuses the run: it
 * is a mistake to mend, not a moment to wait out. With no key verified, the first failure refuses.
 */
export async function keyLanes(
	keys: readonly EnvKey[],
	createClient: (apiKey: string, others: readonly string[]) => PivotalClient,
	warn: (message: string) => void = () => {},
): Promise<KeysOutcome<readonly KeyLane[]>> {
	// Each client masks the whole pool's keys in what it keeps: a server may echo any of them.
	const secrets = keys.map((k) => k.secret);
	const clients = keys.map((k) =>
		createClient(
			k.secret,
			secrets.filter((s) => s !== k.secret),
		),
	);
	if (keys.length === 1) {
		const [only] = keys;
		const [client] = clients;
		if (only && client)
			return {
				ok: true,
				value: [{ client, fingerprint: keyFingerprint(only.secret), label: maskKey(only.secret) }],
			};
	}
	const closeAll = () => Promise.all(clients.map((c) => c.close()));
	const checks = await verifyKeys(
		keys.map((k, i) => ({ secret: k.secret, client: clients[i] as PivotalClient })),
	);
	const named = (i: number) => {
		const check = checks[i];
		const { variable, secret } = keys[i] as EnvKey;
		const label = maskKey(secret);
		const message = check && !check.ok ? check.message : "";
		return asSentence(
			message.includes(label)
				? message.replace(label, `${label} (from ${variable})`)
				: `${variable}: ${message}`,
		);
	};
	const decided = poolChecked(checks);
	if ("refusedAt" in decided) {
		await closeAll();
		return refuse(
			`${named(decided.refusedAt)} Nothing was sent.`,
			decided.isAuth ? EXIT.auth : EXIT.interrupted,
		);
	}
	const { verified, leftOutAt } = decided;
	// Each named by its variable too: two keys may end alike (finding AB2).
	const problem = keyPoolProblem(
		verified.map(({ key, at }) => ({ ...key, masked: `${key.masked} (from ${keys[at]?.variable})` })),
	);
	if (problem) {
		await closeAll();
		return refuse(`${problem} Nothing was sent.`);
	}
	for (const at of leftOutAt) {
		warn(
			`${named(at)} This run goes on without that key, on the other ${verified.length === 1 ? "key" : `${verified.length} keys`}; nothing is sent with it.`,
		);
		await clients[at]?.close();
	}
	return { ok: true, value: verified.map(({ key, at }) => toKeyLane(key, clients[at] as PivotalClient)) };
}
