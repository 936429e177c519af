import { describe, expect, it } from "vitest";
import type { InFlightRow } from "../../src/core/progress.js";
import { describeState } from "../../src/ui/model/run-view.js";

const waiting: InFlightRow = {
	pass: "contacts",
	key: "c-1/ann@acme.com",
	line: 2,
	attempt: 1,
	state: "backoff",
	since: 1_000,
	untilMs: 3_000,
	cause: "500",
};

describe("describeState", () => {
	it("counts a wait down, and says a finished wait is held while the run is paused", () => {
		expect(describeState(waiting, 1_500)).toBe("backing off 2s (500)");
		expect(describeState(waiting, 1_500, true)).toBe("backing off 2s (500)");
		expect(describeState(waiting, 4_000, true)).toBe("held by the pause (500)");
		expect(describeState({ ...waiting, state: "sending" }, 4_000, true)).toBe("sending");
	});
});
