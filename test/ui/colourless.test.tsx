import { defaultTheme, Spinner, ThemeProvider } from "@inkjs/ui";
import { render } from "ink-testing-library";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { colourless } from "../../src/ui/render-app.js";

type Chalk = { level: 0 | 1 | 2 | 3 };
let chalk: Chalk;
let level: Chalk["level"];

beforeEach(async () => {
	chalk = (await import("chalk")).default as Chalk;
	level = chalk.level;
	// Colours only show when chalk thinks the terminal has them: force it so the test can fail.
	chalk.level = 3;
});
afterEach(() => {
	chalk.level = level;
});

const COLOUR = /\u001b\[(3[0-7]|9[0-7]|38;)/;

describe("the widgets' theme under NO_COLOR", () => {
	it("draws the spinner in colour by default and without colour when made colourless", () => {
		const coloured = render(
			<ThemeProvider theme={defaultTheme}>
				<Spinner label="Checking" />
			</ThemeProvider>,
		);
		expect(coloured.lastFrame()).toMatch(COLOUR);
		coloured.unmount();
		const plain = render(
			<ThemeProvider theme={colourless(defaultTheme)}>
				<Spinner label="Checking" />
			</ThemeProvider>,
		);
		expect(plain.lastFrame()).toContain("Checking");
		expect(plain.lastFrame()).not.toMatch(COLOUR);
		plain.unmount();
	});
});
