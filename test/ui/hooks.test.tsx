import { Text } from "ink";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ProgressStore } from "../../src/core/progress-store.js";
import { useCountdown } from "../../src/ui/hooks/use-countdown.js";
import { useProgress } from "../../src/ui/hooks/use-progress.js";
import { midRunEvents, T0, waitFor } from "./helpers.js";

function CountdownHarness({ until }: { readonly until: number | undefined }) {
	const left = useCountdown(until);
	return <Text>left={left === undefined ? "none" : left}</Text>;
}

function ProgressHarness({ store }: { readonly store: ProgressStore }) {
	const s = useProgress(store);
	return (
		<Text>
			status={s.status} customers={s.passes.customers.created} requests={s.requests}
		</Text>
	);
}

afterEach(() => {
	vi.useRealTimers();
});

describe("useCountdown", () => {
	it("counts whole seconds down to zero on the clock", async () => {
		// Only the clock and the interval: React's scheduler keeps its setImmediate.
		vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"], now: T0 });
		const { lastFrame, unmount } = render(<CountdownHarness until={T0 + 3_000} />);
		expect(lastFrame()).toBe("left=3");
		vi.advanceTimersByTime(1_000);
		await waitFor(() => expect(lastFrame()).toBe("left=2"));
		vi.advanceTimersByTime(5_000);
		await waitFor(() => expect(lastFrame()).toBe("left=0"));
		unmount();
	});

	it("is undefined without a deadline", () => {
		const { lastFrame, unmount } = render(<CountdownHarness until={undefined} />);
		expect(lastFrame()).toBe("left=none");
		unmount();
	});
});

describe("useProgress", () => {
	it("renders the store's snapshot, coalesced, and the end of a run at once", async () => {
		const store = new ProgressStore({ intervalMs: 50 });
		const { lastFrame, unmount } = render(<ProgressHarness store={store} />);
		expect(lastFrame()).toBe("status=starting customers=0 requests=0");
		for (const event of midRunEvents()) store.dispatch(event);
		await waitFor(() => expect(lastFrame()).toBe("status=running customers=3 requests=5"));
		store.dispatch({ type: "run-finished", at: T0 + 5_000, outcome: "completed" });
		await waitFor(() => expect(lastFrame()).toBe("status=finished customers=3 requests=5"));
		store.close();
		unmount();
	});
});
