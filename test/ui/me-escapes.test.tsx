import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/api/client.js";
import type { PivotalClient } from "../../src/api/types.js";
import { createMemorySettings } from "../../src/config/settings.js";
import { KeyStep } from "../../src/ui/screens/KeyStep.js";
import { API_KEY, json, type Loopback, ME, startLoopback } from "../api/loopback.js";
import { workingKeychain } from "../config/fake-keychain.js";
import { settle, waitFor, withTheme } from "./helpers.js";

/** OSC 0 (retitles the window), OSC 52 (writes the clipboard), SGR red, a C1 CSI. */
const HOSTILE = (word: string) => `\u001b]0;${word}\u0007\u001b]52;c;ZXZpbA==\u0007\u001b[31m${word}\u009b2J`;
/** What a terminal would act on from the answer (Ink's own colours are other SGR sequences). */
const ACTED_ON = /\u0007|\u001b\]|\u009b|\u001b\[31m(TIER|ORG|KEYNAME|PREFIX)/;

const open: { server: Loopback; clients: PivotalClient[] }[] = [];
afterEach(async () => {
	for (const { server, clients } of open.splice(0)) {
		for (const client of clients) await client.close();
		await server.close();
	}
});

describe("the key step draws every text of GET /me escaped (adversarial finding N8)", () => {
	it("a hostile tier, workspace, key name and prefix are shown, not acted on", async () => {
		const server = await startLoopback((_, res) =>
			json(res, 200, {
				...ME,
				api_key: {
					...ME.api_key,
					name: "\u001b]0;KEYNAME\u0007",
					prefix: HOSTILE("PREFIX"),
					rate_limit_tier: HOSTILE("TIER"),
				},
				organization: { ...ME.organization, name: "\u001b]0;ORG\u0007", slug: HOSTILE("SLUG") },
			}),
		);
		const clients: PivotalClient[] = [];
		open.push({ server, clients });
		const { lastFrame, frames, stdin, unmount } = render(
			withTheme(
				<KeyStep
					envKeys={[{ variable: "PIVOTAL_API_KEY", secret: API_KEY }]}
					settings={createMemorySettings({}, workingKeychain())}
					createClient={(apiKey) => {
						const client = createClient({ baseUrl: server.baseUrl, apiKey });
						clients.push(client);
						return client;
					}}
					onReady={() => {}}
				/>,
			),
		);
		try {
			await settle();
			stdin.write("\r");
			await waitFor(() => expect(lastFrame()).toContain("tier "));
			const frame = lastFrame() ?? "";
			expect(frame).toContain("tier \\x1b]0;TIER\\x07\\x1b]52;c;ZXZpbA==\\x07");
			expect(frame).toContain("workspace \\x1b]0;ORG\\x07");
			expect(frame).toContain("“\\x1b]0;KEYNAME\\x07");
			for (const shown of frames) expect(shown).not.toMatch(ACTED_ON);
		} finally {
			unmount();
		}
	});
});
