import type { KeyBackend } from "../../src/config/key-backend.js";

/** A credential store that answers, in memory. */
export function workingKeychain(): KeyBackend & { readonly entries: Map<string, string> } {
	const entries = new Map<string, string>();
	return {
		name: "test keychain",
		entries,
		get: (account) => entries.get(account),
		set: (account, secret) => {
			entries.set(account, secret);
		},
		delete: (account) => {
			entries.delete(account);
		},
	};
}

/** A credential store that never answers, as on a machine with no Secret Service running. */
export function brokenKeychain(): KeyBackend & { calls: number } {
	const fail = (): never => {
		backend.calls += 1;
		throw new Error("Platform failure: DBus error: no session bus");
	};
	const backend = { name: "Secret Service", calls: 0, get: fail, set: fail, delete: fail };
	return backend;
}
