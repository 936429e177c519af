/**
 * The run screen's header with a long file name (adversarial finding N11): the name is cut, the
 * elapsed time and ETA stay whole on the first line, never wrapped under it.
 */
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { RunScreen } from "../../src/ui/screens/RunScreen.js";
import { midRunEvents, snapshotOf, T0, withTheme } from "./helpers.js";

describe("the run screen's header", () => {
	it("keeps the time and ETA whole on its line when the file name is long", () => {
		const app = render(
			withTheme(
				<RunScreen
					snapshot={snapshotOf(midRunEvents())}
					title="customers-export-from-hubspot-2026-12-06-final-version-two-with-more-words.csv"
					now={() => T0 + 3_723_000}
					failureCount={0}
					onAction={() => {}}
				/>,
			),
		);
		const [first, second] = (app.lastFrame() ?? "").split("\n");
		app.unmount();
		expect(first).toMatch(/· ETA \S+( \S+)?$/);
		expect(first).toContain("pivotal-tui · importing · customers-export");
		expect(second).toMatch(/^running/);
	});
});
