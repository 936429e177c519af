import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/errors.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { PivotalClient } from "../../src/api/types.js";
import { createMemorySettings } from "../../src/config/settings.js";
import type { EnvKey } from "../../src/ui/model/key-choices.js";
import { type KeyReady, KeyStep } from "../../src/ui/screens/KeyStep.js";
import { brokenKeychain, workingKeychain } from "../config/fake-keychain.js";
import { settle, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_RawSecretKey0000c3d4";
const KEY_B = "pivotal_live_SecondKeyAAAA0000b2b2";
const KEY_OTHER = "pivotal_live_OtherWorkspace000ee11";

const ACME = { id: "o1", slug: "acme", name: "Acme Inc" };
const OTHER = { id: "o2", slug: "other", name: "Other Co" };

/** Clients whose `GET /me` answers per key: a workspace, or a 401 for `refused`. */
function fakeClients(
	workspaces: Readonly<Record<string, typeof ACME | "refused">>,
	created: string[] = [],
): (key: string) => PivotalClient {
	return (key) => {
		created.push(key);
		return {
			baseUrl: "http://fake",
			async me() {
				const organization = workspaces[key] ?? ACME;
				if (organization === "refused") {
					throw new ApiError({
						status: 401,
						type: "authentication_error",
						code: "invalid_api_key",
						message: "no",
					});
				}
				return {
					status: 200,
					replayed: false,
					rateLimit: { limit: 600, remaining: 599, resetAtMs: 0 },
					data: {
						object: "me",
						api_key: {
							id: "k1",
							name: "bulk import",
							prefix: "pivotal_Raw",
							scopes: [],
							rate_limit_tier: "paid",
						},
						organization,
					},
				};
			},
			async close() {},
		} as unknown as PivotalClient;
	};
}

const env = (...pairs: [string, string][]): EnvKey[] =>
	pairs.map(([variable, secret]) => ({ variable, secret }));

describe("KeyStep", () => {
	it("verifies PIVOTAL_API_KEY with GET /me and shows it masked only; saving is opt-in, to the keychain", async () => {
		const keychain = workingKeychain();
		const settings = createMemorySettings({}, keychain);
		let ready: KeyReady | undefined;
		const { lastFrame, frames, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={env(["PIVOTAL_API_KEY", KEY])}
					settings={settings}
					createClient={fakeClients({})}
					onReady={(r) => {
						ready = r;
					}}
				/>,
			),
		);
		expect(lastFrame()).toContain("[ ] PIVOTAL_API_KEY pivotal_…c3d4");
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("workspace Acme Inc"));
		expect(lastFrame()).toContain("“bulk import”");
		expect(lastFrame()).toContain("LIVE key");
		expect(lastFrame()).toContain("limit 600/min");
		expect(settings.keys.list()).toEqual([]);
		await settle();
		stdin.write("s");
		await waitFor(() => expect(lastFrame()).toContain("Saved in the test keychain."));
		expect(settings.keys.list().map((k) => [k.masked, k.where])).toEqual([["pivotal_…c3d4", "keychain"]]);
		expect(keychain.entries.get(keyFingerprint(KEY))).toBe(KEY);
		stdin.write("\r");
		await waitFor(() => expect(ready?.key.workspace).toBe("Acme Inc"));
		expect(ready?.keys).toHaveLength(1);
		for (const frame of frames) expect(frame).not.toContain(KEY);
		unmount();
	});

	it("says on screen when no credential store answered and the key went to the settings file", async () => {
		const settings = createMemorySettings({}, brokenKeychain());
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={env(["PIVOTAL_API_KEY", KEY])}
					settings={settings}
					createClient={fakeClients({})}
					onReady={() => {}}
				/>,
			),
		);
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("s save this key"));
		await settle();
		stdin.write("s");
		await waitFor(() => expect(lastFrame()).toContain("The Secret Service did not answer"));
		expect(settings.keys.list().map((k) => k.where)).toEqual(["file"]);
		unmount();
	});

	it("ticks several keys (environment, saved, pasted), verifies each with GET /me and hands them all on", async () => {
		const settings = createMemorySettings({}, workingKeychain());
		settings.keys.save(KEY_B);
		const created: string[] = [];
		let ready: KeyReady | undefined;
		const { lastFrame, frames, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={env(["PIVOTAL_API_KEY", KEY])}
					settings={settings}
					createClient={fakeClients({}, created)}
					onReady={(r) => {
						ready = r;
					}}
				/>,
			),
		);
		expect(lastFrame()).toContain("[ ] saved pivotal_…b2b2");
		await settle();
		stdin.write(" ");
		await waitFor(() => expect(lastFrame()).toContain("[x] PIVOTAL_API_KEY pivotal_…c3d4"));
		stdin.write("\u001B[B"); // down: the saved key
		await settle();
		stdin.write(" ");
		await waitFor(() => expect(lastFrame()).toContain("[x] saved pivotal_…b2b2"));
		stdin.write("\u001B[B"); // down: paste
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("Paste the key"));
		await settle();
		const third = "pivotal_live_PastedThird00000f00d";
		stdin.write(third);
		await waitFor(() => expect(lastFrame()).toContain("*".repeat(third.length)));
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("3 keys of workspace Acme Inc: together 1,800/min"));
		expect(created).toEqual([KEY, KEY_B, third]);
		for (const masked of ["pivotal_…c3d4", "pivotal_…b2b2", "pivotal_…f00d"])
			expect(lastFrame()).toContain(`✓ ${masked}`);
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(ready?.keys).toHaveLength(3));
		expect(ready?.key.fingerprint).toBe(keyFingerprint(KEY));
		expect(ready?.keys.map((k) => k.key.masked)).toEqual(["pivotal_…c3d4", "pivotal_…b2b2", "pivotal_…f00d"]);
		for (const frame of frames) for (const secret of [KEY, KEY_B, third]) expect(frame).not.toContain(secret);
		unmount();
	});

	it("ticks every key named with --key-env from the start", async () => {
		let ready: KeyReady | undefined;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={env(["KEY_A", KEY], ["KEY_B", KEY_B])}
					settings={createMemorySettings()}
					createClient={fakeClients({})}
					onReady={(r) => {
						ready = r;
					}}
				/>,
			),
		);
		expect(lastFrame()).toContain("[x] KEY_A pivotal_…c3d4");
		expect(lastFrame()).toContain("[x] KEY_B pivotal_…b2b2");
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("2 keys of workspace Acme Inc"));
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(ready?.keys).toHaveLength(2));
		unmount();
	});

	it("refuses keys of two workspaces in one sentence naming both keys (masked) and both workspaces", async () => {
		let ready = false;
		const { lastFrame, frames, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={env(["KEY_A", KEY], ["KEY_B", KEY_OTHER])}
					settings={createMemorySettings()}
					createClient={fakeClients({ [KEY_OTHER]: OTHER })}
					onReady={() => {
						ready = true;
					}}
				/>,
			),
		);
		await settle();
		stdin.write("\r");
		await waitFor(() =>
			expect(lastFrame()?.replace(/\s+/g, " ")).toContain(
				"The keys pivotal_…c3d4 (workspace “Acme Inc”) and pivotal_…ee11 (workspace “Other Co”) belong to different workspaces; use keys of one workspace only.",
			),
		);
		await settle();
		stdin.write("\r"); // back to the list, ticks kept, to untick the stray key
		await waitFor(() => expect(lastFrame()).toContain("[x] KEY_B pivotal_…ee11"));
		expect(ready).toBe(false);
		for (const frame of frames) for (const secret of [KEY, KEY_OTHER]) expect(frame).not.toContain(secret);
		unmount();
	});

	it("masks a pasted key, and warns when the key was used for another bulk run", async () => {
		const settings = createMemorySettings();
		settings.recordRun(keyFingerprint(KEY), "run-older");
		const { lastFrame, frames, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={[]}
					settings={settings}
					createClient={fakeClients({})}
					runId="run-new"
					onReady={() => {}}
				/>,
			),
		);
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("Paste the key"));
		await settle();
		stdin.write(KEY);
		await waitFor(() => expect(lastFrame()).toContain("*".repeat(KEY.length)));
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("another bulk run (run-older)"));
		for (const frame of frames) expect(frame).not.toContain(KEY);
		unmount();
	});

	it("says what is wrong with a pasted key's shape before sending it", async () => {
		const created: string[] = [];
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={[]}
					settings={createMemorySettings()}
					createClient={fakeClients({}, created)}
					onReady={() => {}}
				/>,
			),
		);
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("Paste the key"));
		await settle();
		stdin.write("sk_live_0123456789abcdef");
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("does not start with “pivotal_”"));
		expect(created).toEqual([]);
		unmount();
	});

	it("lists saved keys masked with where they are, moves a file key to the keychain with m, forgets one with d", async () => {
		const keychain = workingKeychain();
		// A key saved by an earlier version: in the settings file.
		const settings = createMemorySettings(
			{
				keys: {
					[keyFingerprint(KEY)]: { key: KEY, masked: "pivotal_…c3d4", savedAt: "2026-01-02T00:00:00.000Z" },
				},
			},
			keychain,
		);
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<KeyStep envKeys={[]} settings={settings} createClient={fakeClients({})} onReady={() => {}} />,
			),
		);
		expect(lastFrame()).toContain("saved pivotal_…c3d4");
		expect(lastFrame()).toContain("settings file · m move to keychain");
		await settle();
		stdin.write("m");
		await waitFor(() =>
			expect(lastFrame()).toContain("Moved to the test keychain; the settings file no longer holds it."),
		);
		expect(lastFrame()).toContain("OS keychain");
		expect(keychain.entries.get(keyFingerprint(KEY))).toBe(KEY);
		expect(settings.keys.list().map((k) => k.where)).toEqual(["keychain"]);
		await settle();
		stdin.write("d");
		await waitFor(() => expect(lastFrame()).toContain("Key forgotten."));
		expect(settings.keys.list()).toEqual([]);
		expect(keychain.entries.size).toBe(0);
		unmount();
	});

	it("says in one sentence when a key is refused", async () => {
		let refused = false;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={env(["PIVOTAL_API_KEY", KEY])}
					settings={createMemorySettings()}
					createClient={fakeClients({ [KEY]: "refused" })}
					onReady={() => {}}
					onRefused={() => {
						refused = true;
					}}
				/>,
			),
		);
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("was refused (401 invalid_api_key)"));
		expect(lastFrame()).not.toContain(KEY);
		await settle();
		stdin.write("q");
		await waitFor(() => expect(refused).toBe(true));
		unmount();
	});
});
