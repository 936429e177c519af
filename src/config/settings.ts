import Conf from "conf";
import type { SyncRules } from "../core/plan/sync-rules.js";
import type { PassName } from "../model/records.js";
import { type KeyBackend, keyringBackend } from "./key-backend.js";
import { KeyStore, type StoredKey } from "./key-store.js";

export type { KeyPlacement, KeyRead, SavedKey } from "./key-store.js";

/** What the TUI remembers between runs. Injected everywhere so tests use a temporary folder. */
export interface Settings {
	lastFolder(): string | undefined;
	setLastFolder(folder: string): void;
	/** The concurrency the user picked for this key (by fingerprint), if any. */
	concurrencyFor(fingerprint: string): number | undefined;
	setConcurrency(fingerprint: string, concurrency: number): void;
	/** Saved keys (opt-in): the OS credential store, else this file. */
	readonly keys: KeyStore;
	/** The bulk run this key was last used for (the documented practice is one key per bulk run). */
	runFor(fingerprint: string): string | undefined;
	recordRun(fingerprint: string, runId: string): void;
	/** The sync rules last chosen on the plan step for this import (by its state's path). */
	syncRulesFor(importPath: string): SyncRules | undefined;
	setSyncRules(importPath: string, rules: SyncRules): void;
	/**
	 * The files the wizard last synced into this import (by its state's path), when they are not
	 * the ones its state was made from: what "Resume" syncs again (adversarial finding U4).
	 */
	filesFor(importPath: string): Readonly<Partial<Record<PassName, string>>> | undefined;
	setFiles(importPath: string, files: Readonly<Partial<Record<PassName, string>>>): void;
	/** Where the settings live, for the help text; `undefined` for in-memory settings. */
	readonly path: string | undefined;
}

interface SettingsData {
	lastFolder?: string;
	concurrency: Record<string, number>;
	keys: Record<string, StoredKey>;
	runs: Record<string, string>;
	/** Sync rules by import (the state's path). Absent in settings files written before. */
	syncRules?: Record<string, SyncRules>;
	/** The files last synced by import (the state's path). Absent in settings files written before. */
	files?: Record<string, Partial<Record<PassName, string>>>;
}

/** The storage a `Settings` sits on: `conf`, or a plain object for tests. */
interface Store {
	get<K extends keyof SettingsData>(key: K): SettingsData[K];
	set<K extends keyof SettingsData>(key: K, value: SettingsData[K]): void;
	readonly path: string | undefined;
}

const DEFAULTS: SettingsData = { concurrency: {}, keys: {}, runs: {} };

function settingsOver(store: Store, keychain: KeyBackend | undefined): Settings {
	return {
		path: store.path,
		keys: new KeyStore(
			{ path: store.path, get: () => store.get("keys"), set: (records) => store.set("keys", { ...records }) },
			keychain,
		),
		lastFolder: () => store.get("lastFolder"),
		setLastFolder: (folder) => store.set("lastFolder", folder),
		concurrencyFor: (fp) => store.get("concurrency")[fp],
		setConcurrency: (fp, n) => store.set("concurrency", { ...store.get("concurrency"), [fp]: n }),
		runFor: (fp) => store.get("runs")[fp],
		recordRun: (fp, runId) => store.set("runs", { ...store.get("runs"), [fp]: runId }),
		syncRulesFor: (path) => store.get("syncRules")?.[path],
		setSyncRules: (path, rules) => store.set("syncRules", { ...store.get("syncRules"), [path]: rules }),
		filesFor: (path) => store.get("files")?.[path],
		setFiles: (path, files) => store.set("files", { ...store.get("files"), [path]: files }),
	};
}

export interface SettingsOptions {
	/**
	 * Folder of the settings file; tests pass a temporary folder.
	 * @default the user's config directory for `projectName`
	 */
	readonly cwd?: string;
	/** @default "pivotal-tui" */
	readonly projectName?: string;
	/**
	 * Where saved keys go first; `null` keeps them in the settings file.
	 * @default the OS credential store (macOS Keychain, Windows Credential Manager, Secret Service)
	 */
	readonly keychain?: KeyBackend | null;
}

/** Settings in a `conf` JSON file readable by its owner only (mode 0600): it may hold saved keys. */
export function createSettings(options: SettingsOptions = {}): Settings {
	const conf = new Conf<SettingsData>({
		projectName: options.projectName ?? "pivotal-tui",
		...(options.cwd === undefined ? {} : { cwd: options.cwd }),
		configFileMode: 0o600,
		defaults: DEFAULTS,
		// Fingerprints and paths contain dots: keys are plain names, not paths.
		accessPropertiesByDotNotation: false,
		clearInvalidConfig: true,
	});
	const keychain = options.keychain === undefined ? keyringBackend() : (options.keychain ?? undefined);
	return settingsOver(
		{
			path: conf.path,
			get: (key) => conf.get(key),
			set: (key, value) => {
				if (value === undefined) conf.delete(key);
				else conf.set(key, value);
			},
		},
		keychain,
	);
}

/**
 * Settings that live as long as the process: tests, and `demo` (which must touch neither the
 * user's file nor their credential store). `keychain` is a test's fake credential store.
 */
export function createMemorySettings(initial: Partial<SettingsData> = {}, keychain?: KeyBackend): Settings {
	const data: SettingsData = { ...DEFAULTS, ...initial };
	return settingsOver(
		{
			path: undefined,
			get: (key) => data[key],
			set: (key, value) => {
				data[key] = value;
			},
		},
		keychain,
	);
}
