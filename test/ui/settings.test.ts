import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { keyFingerprint } from "../../src/api/key.js";
import { createMemorySettings, createSettings } from "../../src/config/settings.js";
import { tempDir } from "../support/temp-dirs.js";

const KEY = "pivotal_live_SettingsTest0000zz99";

function tempFolder(): string {
	return tempDir("pivotal-tui-settings-");
}

describe("settings (conf)", () => {
	it("keeps a saved key only on request, in a file only its owner can read, and forgets it", () => {
		const cwd = tempFolder();
		// No credential store: the key goes to the file (test/config covers the keychain).
		const settings = createSettings({ cwd, keychain: null });
		settings.setLastFolder("/data/import");
		expect(settings.keys.list()).toEqual([]);
		const { saved } = settings.keys.save(KEY);
		expect(saved).toMatchObject({ fingerprint: keyFingerprint(KEY), masked: "pivotal_…zz99", where: "file" });
		const path = settings.path ?? "";
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(readFileSync(path, "utf8")).toContain(KEY);
		// A second instance over the same folder reads what the first wrote.
		const again = createSettings({ cwd, keychain: null });
		expect(again.lastFolder()).toBe("/data/import");
		expect(again.keys.list().map((k) => k.masked)).toEqual(["pivotal_…zz99"]);
		expect(JSON.stringify(again.keys.list())).not.toContain(KEY);
		expect(again.keys.read(saved.fingerprint)).toEqual({ ok: true, secret: KEY });
		again.keys.forget(saved.fingerprint);
		expect(readFileSync(path, "utf8")).not.toContain(KEY);
		expect(createSettings({ cwd, keychain: null }).keys.list()).toEqual([]);
	});

	it("remembers concurrency per key fingerprint and the run each key was used for", () => {
		const cwd = tempFolder();
		const settings = createSettings({ cwd });
		const fp = keyFingerprint(KEY);
		settings.setConcurrency(fp, 7);
		settings.recordRun(fp, "run-a");
		const again = createSettings({ cwd });
		expect(again.concurrencyFor(fp)).toBe(7);
		expect(again.concurrencyFor("sha256:other")).toBeUndefined();
		expect(again.runFor(fp)).toBe("run-a");
		expect(readFileSync(again.path ?? "", "utf8")).not.toContain(KEY);
	});

	it("forgets every saved key at once (memory settings behave the same)", () => {
		const settings = createMemorySettings();
		settings.keys.save(KEY);
		settings.keys.save(`${KEY}2`);
		expect(settings.keys.list()).toHaveLength(2);
		settings.keys.forgetAll();
		expect(settings.keys.list()).toEqual([]);
	});
});
