import { keyFingerprint, maskKey } from "../api/key.js";
import type { KeyBackend } from "./key-backend.js";

/** A key the user chose to save. Shown only through `masked`. */
export interface SavedKey {
	readonly fingerprint: string;
	readonly masked: string;
	readonly savedAt: string;
	/** Where the secret is: the OS credential store, or the settings file (mode 0600). */
	readonly where: "keychain" | "file";
}

/**
 * A saved key as the settings file holds it. `key` is there for keys saved in the file (by an
 * earlier version, or when no credential store answered); a keychain entry has `where` instead.
 */
export interface StoredKey {
	readonly key?: string;
	readonly masked: string;
	readonly savedAt: string;
	readonly where?: "keychain";
}

/** The saved-keys record of the settings file. */
export interface KeyRecords {
	get(): Readonly<Record<string, StoredKey>>;
	set(records: Readonly<Record<string, StoredKey>>): void;
	/** The settings file, for the notices; `undefined` for settings held in memory. */
	readonly path: string | undefined;
}

/** The outcome of a save or a move, with the one line that tells the user where the key went. */
export interface KeyPlacement {
	readonly saved: SavedKey;
	readonly notice: string;
}

export type KeyRead =
	| { readonly ok: true; readonly secret: string }
	| { readonly ok: false; readonly message: string };

/** Longest part of a credential store's error shown in a notice: it must fit on one line. */
const REASON_CHARS = 32;

function reasonOf(error: unknown): string {
	const text = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
	return text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1)}…` : text;
}

/**
 * Saved keys the way gh keeps its tokens: the secret in the OS credential store when one
 * answers, else in the settings file (mode 0600) with a notice saying so. The settings file
 * always keeps the list (fingerprint, mask, date), which holds nothing usable.
 */
export class KeyStore {
	readonly #records: KeyRecords;
	/** `undefined`: no credential store is tried (settings in memory, e.g. the demo). */
	readonly #backend: KeyBackend | undefined;

	constructor(records: KeyRecords, backend: KeyBackend | undefined) {
		this.#records = records;
		this.#backend = backend;
	}

	list(): readonly SavedKey[] {
		return Object.entries(this.#records.get()).map(([fingerprint, k]) => ({
			fingerprint,
			masked: k.masked,
			savedAt: k.savedAt,
			where: k.where === "keychain" ? "keychain" : "file",
		}));
	}

	/** The secret of a saved key, only to send it. Never render it. */
	read(fingerprint: string): KeyRead {
		const stored = this.#records.get()[fingerprint];
		if (stored === undefined) return { ok: false, message: "That key is no longer saved." };
		if (stored.where !== "keychain") {
			return stored.key === undefined
				? {
						ok: false,
						message: `The saved key ${stored.masked} is damaged in the settings file; forget it and paste it again.`,
					}
				: { ok: true, secret: stored.key };
		}
		const name = this.#backend?.name ?? "OS credential store";
		try {
			const secret = this.#backend?.get(fingerprint);
			if (secret !== undefined) return { ok: true, secret };
			return {
				ok: false,
				message: `The ${name} no longer holds the saved key ${stored.masked}; forget it (d) and paste it again.`,
			};
		} catch (error) {
			return {
				ok: false,
				message: `The ${name} did not answer (${reasonOf(error)}); the saved key ${stored.masked} cannot be read now.`,
			};
		}
	}

	/** Saves the key (again): in the credential store if it answers, else in the settings file. */
	save(key: string, now = new Date()): KeyPlacement {
		const fingerprint = keyFingerprint(key);
		const base = { masked: maskKey(key), savedAt: now.toISOString() };
		const placed = this.#intoKeychain(fingerprint, key);
		if (placed.ok) {
			this.#put(fingerprint, { ...base, where: "keychain" });
			return { saved: { fingerprint, ...base, where: "keychain" }, notice: placed.notice };
		}
		this.#put(fingerprint, { ...base, key });
		return { saved: { fingerprint, ...base, where: "file" }, notice: placed.notice };
	}

	/** Moves a key kept in the settings file (an earlier version's, or a fallback) into the credential store. */
	moveToKeychain(fingerprint: string): KeyPlacement | undefined {
		const stored = this.#records.get()[fingerprint];
		if (stored?.key === undefined) return undefined;
		const saved = { fingerprint, masked: stored.masked, savedAt: stored.savedAt };
		const placed = this.#intoKeychain(fingerprint, stored.key, "moved");
		if (!placed.ok) return { saved: { ...saved, where: "file" }, notice: placed.notice };
		this.#put(fingerprint, { masked: stored.masked, savedAt: stored.savedAt, where: "keychain" });
		return { saved: { ...saved, where: "keychain" }, notice: placed.notice };
	}

	forget(fingerprint: string): void {
		const { [fingerprint]: gone, ...rest } = this.#records.get();
		this.#records.set(rest);
		if (gone?.where === "keychain") this.#deleteFromKeychain(fingerprint);
	}

	forgetAll(): void {
		const all = this.#records.get();
		this.#records.set({});
		for (const [fingerprint, stored] of Object.entries(all))
			if (stored.where === "keychain") this.#deleteFromKeychain(fingerprint);
	}

	#put(fingerprint: string, stored: StoredKey): void {
		this.#records.set({ ...this.#records.get(), [fingerprint]: stored });
	}

	#intoKeychain(
		fingerprint: string,
		key: string,
		verb: "saved" | "moved" = "saved",
	): { readonly ok: boolean; readonly notice: string } {
		const file =
			this.#records.path === undefined ? undefined : `the settings file ${this.#records.path} (mode 0600)`;
		if (this.#backend === undefined) {
			return {
				ok: false,
				notice: file
					? `Saved in ${file}.`
					: "Saved for this session only (these settings are not written to disk).",
			};
		}
		try {
			this.#backend.set(fingerprint, key);
			return {
				ok: true,
				notice:
					verb === "moved"
						? `Moved to the ${this.#backend.name}; the settings file no longer holds it.`
						: `Saved in the ${this.#backend.name}.`,
			};
		} catch (error) {
			const reason = reasonOf(error).replaceAll(key, maskKey(key));
			const where = file ?? "this session's memory";
			return {
				ok: false,
				notice:
					verb === "moved"
						? `The ${this.#backend.name} did not answer (${reason}); the key stays in ${where}.`
						: `The ${this.#backend.name} did not answer (${reason}); saved in ${where} instead.`,
			};
		}
	}

	#deleteFromKeychain(fingerprint: string): void {
		try {
			this.#backend?.delete(fingerprint);
		} catch {
			// The list no longer names it, so it is never read again; the store may be locked now.
		}
	}
}
