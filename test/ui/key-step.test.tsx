import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/errors.js";
import { keyFingerprint } from "../../src/api/key.js";
import type { PivotalClient } from "../../src/api/types.js";
import { createMemorySettings } from "../../src/config/settings.js";
import { KeyStep } from "../../src/ui/screens/KeyStep.js";
import { settle, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_RawSecretKey0000c3d4";

function fakeClient(answer: "ok" | "refused"): (key: string) => PivotalClient {
	return () =>
		({
			baseUrl: "http://fake",
			async me() {
				if (answer === "refused") {
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
						organization: { id: "o1", slug: "acme", name: "Acme Inc" },
					},
				};
			},
			async close() {},
		}) as unknown as PivotalClient;
}

describe("KeyStep", () => {
	it("verifies PIVOTAL_API_KEY with GET /me and shows it masked only; saving is opt-in", async () => {
		const settings = createMemorySettings();
		let ready = "";
		const { lastFrame, frames, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKey={KEY}
					settings={settings}
					createClient={fakeClient("ok")}
					onReady={(r) => {
						ready = r.key.workspace;
					}}
				/>,
			),
		);
		expect(lastFrame()).toContain("PIVOTAL_API_KEY pivotal_…c3d4");
		await settle();
		stdin.write("\r");
		await waitFor(() => expect(lastFrame()).toContain("workspace Acme Inc"));
		expect(lastFrame()).toContain("“bulk import”");
		expect(lastFrame()).toContain("LIVE key");
		expect(lastFrame()).toContain("limit 600/min");
		expect(settings.savedKeys()).toEqual([]);
		await settle();
		stdin.write("s");
		await waitFor(() => expect(lastFrame()).toContain("Saved (settings file, mode 0600)."));
		expect(settings.savedKeys().map((k) => k.masked)).toEqual(["pivotal_…c3d4"]);
		stdin.write("\r");
		await waitFor(() => expect(ready).toBe("Acme Inc"));
		for (const frame of frames) expect(frame).not.toContain(KEY);
		unmount();
	});

	it("masks a pasted key, and warns when the key was used for another bulk run", async () => {
		const settings = createMemorySettings();
		settings.recordRun(keyFingerprint(KEY), "run-older");
		const { lastFrame, frames, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKey={undefined}
					settings={settings}
					createClient={fakeClient("ok")}
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

	it("lists saved keys masked and forgets one with d", async () => {
		const settings = createMemorySettings();
		settings.saveKey(KEY);
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<KeyStep envKey={undefined} settings={settings} createClient={fakeClient("ok")} onReady={() => {}} />,
			),
		);
		expect(lastFrame()).toContain("saved pivotal_…c3d4");
		await settle();
		stdin.write("d");
		await waitFor(() => expect(lastFrame()).toContain("Key forgotten."));
		expect(settings.savedKeys()).toEqual([]);
		unmount();
	});

	it("says in one sentence when the key is refused", async () => {
		let refused = false;
		const { lastFrame, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKey={KEY}
					settings={createMemorySettings()}
					createClient={fakeClient("refused")}
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
