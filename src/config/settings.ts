import Conf from "conf";
import { keyFingerprint, maskKey } from "../api/key.js";

/** A key the user chose to save. Shown only through `masked`. */
export interface SavedKey {
	readonly fingerprint: string;
	readonly masked: string;
	readonly savedAt: string;
}

/** What the TUI remembers between runs. Injected everywhere so tests use a temporary folder. */
export interface Settings {
	lastFolder(): string | undefined;
	setLastFolder(folder: string): void;
	/** The concurrency the user picked for this key (by fingerprint), if any. */
	concurrencyFor(fingerprint: string): number | undefined;
	setConcurrency(fingerprint: string, concurrency: number): void;
	savedKeys(): readonly SavedKey[];
	/** The secret of a saved key, only to send it. Never render it. */
	keyFor(fingerprint: string): string | undefined;
	/** Opt-in: stores the key itself in the settings file (mode 0600). */
	saveKey(key: string, now?: Date): SavedKey;
	forgetKey(fingerprint: string): void;
	forgetAllKeys(): void;
	/** The bulk run this key was last used for (the documented practice is one key per bulk run). */
	runFor(fingerprint: string): string | undefined;
	recordRun(fingerprint: string, runId: string): void;
	/** Where the settings live, for the help text; `undefined` for in-memory settings. */
	readonly path: string | undefined;
}

interface StoredKey {
	readonly key: string;
	readonly masked: string;
	readonly savedAt: string;
}

interface SettingsData {
	lastFolder?: string;
	concurrency: Record<string, number>;
	keys: Record<string, StoredKey>;
	runs: Record<string, string>;
}

/** The storage a `Settings` sits on: `conf`, or a plain object for tests. */
interface Store {
	get<K extends keyof SettingsData>(key: K): SettingsData[K];
	set<K extends keyof SettingsData>(key: K, value: SettingsData[K]): void;
	readonly path: string | undefined;
}

const DEFAULTS: SettingsData = { concurrency: {}, keys: {}, runs: {} };

function settingsOver(store: Store): Settings {
	return {
		path: store.path,
		lastFolder: () => store.get("lastFolder"),
		setLastFolder: (folder) => store.set("lastFolder", folder),
		concurrencyFor: (fp) => store.get("concurrency")[fp],
		setConcurrency: (fp, n) => store.set("concurrency", { ...store.get("concurrency"), [fp]: n }),
		savedKeys: () =>
			Object.entries(store.get("keys")).map(([fingerprint, k]) => ({
				fingerprint,
				masked: k.masked,
				savedAt: k.savedAt,
			})),
		keyFor: (fp) => store.get("keys")[fp]?.key,
		saveKey(key, now = new Date()) {
			const saved = { fingerprint: keyFingerprint(key), masked: maskKey(key), savedAt: now.toISOString() };
			store.set("keys", {
				...store.get("keys"),
				[saved.fingerprint]: { key, masked: saved.masked, savedAt: saved.savedAt },
			});
			return saved;
		},
		forgetKey(fp) {
			const { [fp]: _gone, ...rest } = store.get("keys");
			store.set("keys", rest);
		},
		forgetAllKeys: () => store.set("keys", {}),
		runFor: (fp) => store.get("runs")[fp],
		recordRun: (fp, runId) => store.set("runs", { ...store.get("runs"), [fp]: runId }),
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
	return settingsOver({
		path: conf.path,
		get: (key) => conf.get(key),
		set: (key, value) => {
			if (value === undefined) conf.delete(key);
			else conf.set(key, value);
		},
	});
}

/** Settings that live as long as the process: tests, and `demo` (which must not touch the user's file). */
export function createMemorySettings(initial: Partial<SettingsData> = {}): Settings {
	const data: SettingsData = { ...DEFAULTS, ...initial };
	return settingsOver({
		path: undefined,
		get: (key) => data[key],
		set: (key, value) => {
			data[key] = value;
		},
	});
}
