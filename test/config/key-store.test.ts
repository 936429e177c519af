import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { keyFingerprint } from "../../src/api/key.js";
import { createMemorySettings, createSettings } from "../../src/config/settings.js";
import { brokenKeychain, workingKeychain } from "./fake-keychain.js";

const KEY = "pivotal_live_KeychainTest000ab12";
const FP = keyFingerprint(KEY);

const folders: string[] = [];
function tempFolder(): string {
	const folder = mkdtempSync(join(tmpdir(), "pivotal-tui-keys-"));
	folders.push(folder);
	return folder;
}
afterEach(() => {
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe("saved keys: the OS credential store first, the 0600 settings file as fallback", () => {
	it("puts the secret in a credential store that answers; the settings file keeps only its mask", () => {
		const cwd = tempFolder();
		const keychain = workingKeychain();
		const settings = createSettings({ cwd, keychain });
		const { saved, notice } = settings.keys.save(KEY);
		expect(saved).toMatchObject({ fingerprint: FP, masked: "pivotal_…ab12", where: "keychain" });
		expect(notice).toBe("Saved in the test keychain.");
		expect(keychain.entries.get(FP)).toBe(KEY);
		expect(readFileSync(settings.path ?? "", "utf8")).not.toContain(KEY);
		// Another process over the same settings finds the key through the keychain.
		const again = createSettings({ cwd, keychain });
		expect(again.keys.list()).toEqual([saved]);
		expect(again.keys.read(FP)).toEqual({ ok: true, secret: KEY });
		again.keys.forget(FP);
		expect(keychain.entries.has(FP)).toBe(false);
		expect(createSettings({ cwd, keychain }).keys.list()).toEqual([]);
	});

	it("falls back to the settings file (mode 0600) when the store does not answer, and says so in one line", () => {
		const cwd = tempFolder();
		const keychain = brokenKeychain();
		const settings = createSettings({ cwd, keychain });
		const { saved, notice } = settings.keys.save(KEY);
		expect(saved.where).toBe("file");
		expect(notice).toMatch(
			/^The Secret Service did not answer \(Platform failure: .*\); saved in the settings file .* \(mode 0600\) instead\.$/,
		);
		expect(notice).toContain(settings.path ?? "?");
		expect(notice).not.toContain("\n");
		expect(notice).not.toContain(KEY);
		const path = settings.path ?? "";
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(readFileSync(path, "utf8")).toContain(KEY);
		expect(createSettings({ cwd, keychain }).keys.read(FP)).toEqual({ ok: true, secret: KEY });
		settings.keys.forget(FP);
		expect(readFileSync(path, "utf8")).not.toContain(KEY);
	});

	it("keeps a key saved by an earlier version (in the settings file) working, and moves it to the keychain", () => {
		const cwd = tempFolder();
		// The earlier version's layout: the secret beside its mask, no `where`.
		const earlier = {
			concurrency: {},
			runs: {},
			keys: { [FP]: { key: KEY, masked: "pivotal_…ab12", savedAt: "2026-01-02T03:04:05.000Z" } },
		};
		writeFileSync(join(cwd, "config.json"), JSON.stringify(earlier), { mode: 0o600 });
		const broken = createSettings({ cwd, keychain: brokenKeychain() });
		expect(broken.keys.list()).toEqual([
			{ fingerprint: FP, masked: "pivotal_…ab12", savedAt: "2026-01-02T03:04:05.000Z", where: "file" },
		]);
		expect(broken.keys.read(FP)).toEqual({ ok: true, secret: KEY });
		// The store does not answer: the key stays where it was and still works.
		const stay = broken.keys.moveToKeychain(FP);
		expect(stay?.saved.where).toBe("file");
		expect(stay?.notice).toMatch(/did not answer .*; the key stays in the settings file/);
		expect(readFileSync(join(cwd, "config.json"), "utf8")).toContain(KEY);

		const keychain = workingKeychain();
		const settings = createSettings({ cwd, keychain });
		const moved = settings.keys.moveToKeychain(FP);
		expect(moved).toEqual({
			saved: {
				fingerprint: FP,
				masked: "pivotal_…ab12",
				savedAt: "2026-01-02T03:04:05.000Z",
				where: "keychain",
			},
			notice: "Moved to the test keychain; the settings file no longer holds it.",
		});
		expect(readFileSync(join(cwd, "config.json"), "utf8")).not.toContain(KEY);
		expect(keychain.entries.get(FP)).toBe(KEY);
		expect(settings.keys.read(FP)).toEqual({ ok: true, secret: KEY });
		// Nothing left to move.
		expect(settings.keys.moveToKeychain(FP)).toBeUndefined();
	});

	it("saving an earlier version's key again moves it too", () => {
		const keychain = workingKeychain();
		const settings = createMemorySettings(
			{ keys: { [FP]: { key: KEY, masked: "pivotal_…ab12", savedAt: "2026-01-02T03:04:05.000Z" } } },
			keychain,
		);
		expect(settings.keys.save(KEY).saved.where).toBe("keychain");
		expect(JSON.stringify(settings.keys.list())).not.toContain(KEY);
		expect(keychain.entries.get(FP)).toBe(KEY);
	});

	it("says in one sentence when the keychain lost the key or cannot be read, without throwing", () => {
		const keychain = workingKeychain();
		const settings = createMemorySettings({}, keychain);
		settings.keys.save(KEY);
		keychain.entries.clear(); // removed in Keychain Access, say
		const lost = settings.keys.read(FP);
		expect(lost).toEqual({
			ok: false,
			message:
				"The test keychain no longer holds the saved key pivotal_…ab12; forget it (d) and paste it again.",
		});
		const locked = createMemorySettings(
			{ keys: { [FP]: { masked: "pivotal_…ab12", savedAt: "2026-01-02T03:04:05.000Z", where: "keychain" } } },
			brokenKeychain(),
		);
		const read = locked.keys.read(FP);
		expect(read.ok).toBe(false);
		expect(read.ok ? "" : read.message).toMatch(
			/^The Secret Service did not answer \(.*\); the saved key pivotal_…ab12 cannot be read now\.$/,
		);
		// Forgetting works even when the store is locked: the list no longer names the key.
		locked.keys.forget(FP);
		expect(locked.keys.list()).toEqual([]);
	});

	it("forgets every saved key at once, in the keychain and in the file", () => {
		const keychain = workingKeychain();
		const settings = createMemorySettings({}, keychain);
		settings.keys.save(KEY);
		const other = createMemorySettings({}, brokenKeychain());
		other.keys.save(KEY);
		expect(settings.keys.list()).toHaveLength(1);
		settings.keys.forgetAll();
		other.keys.forgetAll();
		expect(settings.keys.list()).toEqual([]);
		expect(other.keys.list()).toEqual([]);
		expect(keychain.entries.size).toBe(0);
	});

	it("without a credential store (the demo's settings) a save lasts for the session and says so", () => {
		const settings = createMemorySettings();
		expect(settings.keys.save(KEY).notice).toBe(
			"Saved for this session only (these settings are not written to disk).",
		);
		expect(settings.keys.read(FP)).toEqual({ ok: true, secret: KEY });
	});
});

describe("the OS credential store through @napi-rs/keyring", () => {
	it("loads the native module on this platform and answers or throws an Error, never crashes", async () => {
		const { keyringBackend } = await import("../../src/config/key-backend.js");
		const backend = keyringBackend("pivotal-tui-test-probe");
		expect(backend.name).toMatch(/Keychain|Credential Manager|Secret Service/);
		// Only a read of an account nobody wrote: a test must not leave anything in a real store.
		let outcome: string;
		try {
			outcome = backend.get("never-written") === undefined ? "answered: empty" : "answered: something";
		} catch (error) {
			expect(error).toBeInstanceOf(Error);
			expect(String(error)).not.toMatch(/Cannot find (module|native binding)/);
			outcome = "no answer";
		}
		expect(["answered: empty", "no answer"]).toContain(outcome);
	});
});
