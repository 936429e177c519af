import { describe, expect, it } from "vitest";
import { keyMasker } from "../../src/cli/secret-filter.js";
import { markdownCell, plainText, slackText } from "../../src/report/report-text.js";

describe("text for the CI reports", () => {
	it.each([
		["plain", "Acme Corp", "Acme Corp"],
		["an escape sequence", "red \u001b[31m!", "red \\u001b[31m!"],
		["a line break", "two\nlines", "two lines"],
		["a bidi override", "abc\u202edef", "abc\\u202edef"],
		[
			"a key in a server message",
			"bad key pivotal_live_Kx81TESTkey0000a1b2 here",
			"bad key pivotal_…a1b2 here",
		],
		["a test key", "pivotal_test_abcdefgh12345678", "pivotal_test_…5678"],
		[
			"a name that starts like a key",
			"pivotal_customers_v2 in pivotal_customers.csv",
			"pivotal_customers_v2 in pivotal_customers.csv",
		],
	])("plainText: %s", (_, input, expected) => {
		expect(plainText(input)).toBe(expected);
	});

	// The run's own key is masked first (its echoes, pieces of it), then anything shaped like a key:
	// the first must not eat the head every live key shares and leave another key's secret bare.
	it.each([
		"pivotal_live_AdvOkey0001secretXYZ",
		"pivotal_test_AdvOkey0001secretXYZ",
		"pivotal_AdvOkey0001secretXYZ",
	])("another key beside the run's own (%s) is masked whole, with its own last characters", (own) => {
		const text = `key pivotal_live_Kx81TESTkey0000a1b2 and pivotal_test_abcdefgh12345 and ${own}`;
		const shown = markdownCell(keyMasker([own])(text), 500);
		expect(shown).not.toContain("Kx81TESTkey0000");
		expect(shown).not.toContain("AdvOkey0001");
		expect(shown).toContain("pivotal\\_…a1b2");
		expect(shown).toContain("pivotal\\_test\\_…2345");
	});

	it("caps length", () => {
		expect(plainText("x".repeat(500), 10)).toBe(`${"x".repeat(9)}…`);
	});

	it.each([
		["a pipe ends no cell", "a | b", "a \\| b"],
		["HTML does not render", "<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert\\(1\\)\\>"],
		["a link is not made", "[click](https://evil.example)", "\\[click\\]\\(https://evil.example\\)"],
		["emphasis and code are literal", "*_`x`_*", "\\*\\_\\`x\\`\\_\\*"],
		["a backslash stays one", "C:\\path", "C:\\\\path"],
		// A mention where the summary is posted (finding V8); an e-mail's @ is no mention.
		["a user is not mentioned", "ping @octocat now", "ping @\u200boctocat now"],
		["a team is not mentioned", "@acme/ops", "@\u200bacme/ops"],
		["an e-mail stays as it is", "ann@one.example", "ann@one.example"],
	])("markdownCell: %s", (_, input, expected) => {
		expect(markdownCell(input)).toBe(expected);
	});

	it("slackText escapes what makes links and mentions", () => {
		expect(slackText("<!channel> & <https://x|y>")).toBe("&lt;!channel&gt; &amp; &lt;https://x|y&gt;");
	});
});
