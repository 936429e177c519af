import { createRequire } from "node:module";

/**
 * Somewhere secrets can live outside the settings file, addressed by account name. Every method
 * throws when the store does not answer (none installed, locked, no session bus); the key store
 * then falls back to the settings file.
 */
export interface KeyBackend {
	/** What the user knows it as: "macOS Keychain", "Secret Service", … */
	readonly name: string;
	/** `undefined` when the store answers but holds nothing for the account. */
	get(account: string): string | undefined;
	set(account: string, secret: string): void;
	delete(account: string): void;
}

/** Service name under which the keys are filed (what the user sees in Keychain Access). */
export const KEYRING_SERVICE = "pivotal-tui";

interface KeyringEntry {
	getPassword(): string | null;
	setPassword(password: string): void;
	deletePassword(): boolean;
}

interface KeyringModule {
	readonly Entry: new (
		service: string,
		account: string,
		options?: { readonly linux?: { readonly store?: "secret-service" | "keyutils" } },
	) => KeyringEntry;
}

function storeName(platform: NodeJS.Platform): string {
	if (platform === "darwin") return "macOS Keychain";
	if (platform === "win32") return "Windows Credential Manager";
	return "Secret Service";
}

/**
 * The OS credential store through `@napi-rs/keyring`. The native module loads on first use, so a
 * machine without a prebuilt binary for its platform still runs (every call throws, and keys go
 * to the settings file). On Linux the entry is pinned to the Secret Service: the library's own
 * fallback, the kernel keyring, forgets its keys at logout or reboot, which a saved key must not.
 */
export function keyringBackend(service = KEYRING_SERVICE): KeyBackend {
	let loaded: KeyringModule | undefined;
	const entry = (account: string): KeyringEntry => {
		loaded ??= createRequire(import.meta.url)("@napi-rs/keyring") as KeyringModule;
		return new loaded.Entry(service, account, { linux: { store: "secret-service" } });
	};
	return {
		name: storeName(process.platform),
		get: (account) => entry(account).getPassword() ?? undefined,
		set: (account, secret) => entry(account).setPassword(secret),
		delete: (account) => {
			entry(account).deletePassword();
		},
	};
}
