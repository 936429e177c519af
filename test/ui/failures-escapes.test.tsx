import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import type { FailureDetail } from "../../src/core/run-types.js";
import { FailuresScreen } from "../../src/ui/screens/FailuresScreen.js";
import { withTheme } from "./helpers.js";

const noop = () => {};

/** What a terminal acts on: OSC (retitles), BEL, a clear-screen; Ink's own colours are SGR (`ESC[…m`). */
const HOSTILE = /\u0007|\u001b\]|\u001b\[2J|\u001b\[H/;

describe("FailuresScreen: item 16, escape sequences from a cell or an answer are shown, not acted on", () => {
	it("escapes the key, the message, the code, the field and a raw response", () => {
		const failure: FailureDetail = {
			pass: "customers",
			key: "k\u001b]0;PWNED\u0007",
			line: 2,
			status: 400,
			code: "bad\u001b[2J",
			message: "\u001b[2J\u001b[HEvery record is in Pivotal\u0007",
			field: "name\u001b]0;x\u0007",
			attempts: 1,
			requestBody: '{"name":"Acme"}',
			response: "\u001b[2Jnot json\u0007",
			columns: { external_id: "k", name: "Acme" },
		};
		const { lastFrame, unmount } = render(
			withTheme(
				<FailuresScreen failures={[failure]} canRetry onRetry={noop} onExport={noop} onBack={noop} />,
			),
		);
		const frame = lastFrame() ?? "";
		expect(frame).not.toMatch(HOSTILE);
		expect(frame).toContain("k\\x1b]0;PWNED\\x07");
		expect(frame).toContain("\\x1b[2J\\x1b[HEvery record is in Pivotal\\x07");
		expect(frame).toContain("field name\\x1b]0;x\\x07");
		expect(frame).toContain("\\x1b[2Jnot json\\x07");
		unmount();
	});
});
