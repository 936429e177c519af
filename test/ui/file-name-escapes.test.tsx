import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSettings } from "../../src/config/settings.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { App } from "../../src/ui/App.js";
import { nodeServices } from "../../src/ui/services-node.js";
import { tempDir } from "../support/temp-dirs.js";
import { settle, waitFor, withTheme } from "./helpers.js";

const KEY = "pivotal_live_FileNameEscapes00000a1b2";
/** A file name that recolours the screen (SGR), retitles the window (OSC 0), a C1 CSI, a line break. */
const NAME = "ev\u001b[31mil\u001b]0;T\u0007\u009b2J\nx.csv";
/** The name as the wizard must draw it: every control character a visible escape. */
const SHOWN = "ev\\x1b[31mil\\x1b]0;T\\x07\\x9b2J\\x0ax.csv";
/** What a terminal would act on from the name (Ink's own colours are other SGR sequences). */
const ACTED_ON = /\u0007|\u001b\]|\u009b|\u001b\[31mil/;

/** A frame with every run of spaces and line breaks as one space. */
const oneLine = (frame: string | undefined): string => (frame ?? "").replace(/\s+/g, " ");

let sim: Simulator;
let folder: string;

beforeAll(async () => {
	// The folder's name is hostile too: it is drawn in every step's header.
	folder = join(tempDir("pivotal-tui-names-"), "f\u001b]0;F\u0007");
	mkdirSync(folder);
	writeFileSync(join(folder, NAME), "external_id,name\nfe1,Fe One\n");
	sim = await startSimulator({ keys: [{ key: KEY, name: "names test key", rateLimit: 200 }] });
});

afterAll(async () => {
	await sim?.close();
});

describe("the wizard draws file and folder names escaped (adversarial finding N7)", () => {
	it("the file list, every later step's header and the plan's files line show the name, not act on it", async () => {
		const services = nodeServices({
			folder,
			baseUrl: sim.baseUrl,
			env: { PIVOTAL_API_KEY: KEY },
			settings: createSettings({ cwd: tempDir("pivotal-tui-names-settings-") }),
		});
		const app = render(withTheme(<App services={services} onResult={() => {}} />));
		const step = async (text: string | RegExp, keys: string) => {
			await waitFor(() => expect(app.lastFrame()).toMatch(text), 15_000);
			await settle();
			app.stdin.write(keys);
		};
		try {
			await step(/customers file[\s\S]*❯ ev/, "");
			expect(app.lastFrame()).toContain(`❯ ${SHOWN}`);
			expect(app.lastFrame()).toContain("f\\x1b]0;F\\x07");
			app.stdin.write("\r");
			// The next step's header names the folder and the chosen file.
			await step(/contacts file \(optional\)/, "");
			// The header may wrap where the temporary folder's path is long: read with spaces folded.
			expect(oneLine(app.lastFrame())).toContain(`f\\x1b]0;F\\x07 · ${SHOWN}`);
			app.stdin.write("\r");
			await step(/onboardings file \(optional\)/, "\r");
			await step("PIVOTAL_API_KEY pivotal_…a1b2", "\r");
			await step("workspace Simulator Workspace", "\r");
			await waitFor(() => expect(app.lastFrame()).toContain("✓ every row is valid"), 15_000);
			expect(oneLine(app.lastFrame())).toContain(`files ${SHOWN}`);
			for (const frame of app.frames) expect(frame).not.toMatch(ACTED_ON);
		} finally {
			app.unmount();
		}
	});
});
