import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { keyFingerprint } from "../../src/api/key.js";
import { createMemorySettings, createSettings } from "../../src/config/settings.js";
import { tempDir } from "../support/temp-dirs.js";

const KEY = "pivotal_live_SettingsTest0000zz99";

describe("settings (conf)", () => {
	it("keeps a saved key only on request, in a file only its owner can read, and forgets it", () => {
		const cwd = tempDir("pivotal-tui-settings-");
		const settings = createSettings({ cwd });
		settings.setLastFolder("/data/import");
		expect(settings.savedKeys()).toEqual([]);
		const saved = settings.saveKey(KEY);
		expect(saved).toMatchObject({ fingerprint: keyFingerprint(KEY), masked: "pivotal_…zz99" });
		const path = settings.path ?? "";
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(readFileSync(path, "utf8")).toContain(KEY);
		// A second instance over the same folder reads what the first wrote.
		const again = createSettings({ cwd });
		expect(again.lastFolder()).toBe("/data/import");
		expect(again.savedKeys().map((k) => k.masked)).toEqual(["pivotal_…zz99"]);
		expect(JSON.stringify(again.savedKeys())).not.toContain(KEY);
		expect(again.keyFor(saved.fingerprint)).toBe(KEY);
		again.forgetKey(saved.fingerprint);
		expect(readFileSync(path, "utf8")).not.toContain(KEY);
		expect(createSettings({ cwd }).savedKeys()).toEqual([]);
	});

	it("remembers concurrency per key fingerprint and the run each key was used for", () => {
		const cwd = tempDir("pivotal-tui-settings-");
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
		settings.saveKey(KEY);
		settings.saveKey(`${KEY}2`);
		expect(settings.savedKeys()).toHaveLength(2);
		settings.forgetAllKeys();
		expect(settings.savedKeys()).toEqual([]);
	});
});
