import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { ResumeStep } from "../../src/ui/screens/ResumeStep.js";
import type { CheckpointInfo } from "../../src/ui/services.js";
import { withTheme } from "./helpers.js";

const checkpoint = (done: number, failed: number, isFinished = done === 12): CheckpointInfo => ({
	path: "/data/customers.csv.checkpoint.json",
	runId: "r1",
	keyFingerprint: "k",
	updatedAt: "2026-12-07 05:00",
	sources: { customers: "/data/customers.csv", contacts: undefined, onboardings: undefined },
	counts: {
		customers: { done, failed, total: 12 },
		contacts: { done: 0, failed: 0, total: 0 },
		onboardings: { done: 0, failed: 0, total: 0 },
	},
	isFinished,
});

describe("ResumeStep", () => {
	it("says whether the checkpoint's last run finished, and what starting over costs (adversarial finding S14)", () => {
		const finished = render(withTheme(<ResumeStep checkpoints={[checkpoint(12, 0)]} onChoose={() => {}} />));
		expect(finished.lastFrame()).toContain("its last run finished");
		expect(finished.lastFrame()).not.toContain("unfinished");
		expect(finished.lastFrame()).toContain("records are then adopted as found");
		finished.unmount();
		const unfinished = render(
			withTheme(<ResumeStep checkpoints={[checkpoint(11, 1)]} onChoose={() => {}} />),
		);
		expect(unfinished.lastFrame()).toContain("A checkpoint of an unfinished import is here.");
		unfinished.unmount();
		// Told by the state (its runs, creates in doubt), not by counts of a file it was made from
		// (adversarial findings U4, U6).
		const killed = render(
			withTheme(<ResumeStep checkpoints={[checkpoint(12, 0, false)]} onChoose={() => {}} />),
		);
		expect(killed.lastFrame()).toContain("A checkpoint of an unfinished import is here.");
		killed.unmount();
	});

	it("says that starting over makes again a create in doubt it does not find (finding AF5)", () => {
		const inDoubt = { ...checkpoint(11, 0, false), createsInDoubt: 2 };
		const frame = render(withTheme(<ResumeStep checkpoints={[inDoubt]} onChoose={() => {}} />));
		const text = (frame.lastFrame() ?? "").replace(/\s+/g, " ");
		expect(text).toContain(
			"⚠ 2 creates of it got no answer and may be in Pivotal: resuming looks them up; starting over does not know them, and makes again one it does not find.",
		);
		frame.unmount();
		const none = render(withTheme(<ResumeStep checkpoints={[checkpoint(12, 0)]} onChoose={() => {}} />));
		expect(none.lastFrame()).not.toContain("got no answer");
		none.unmount();
	});

	it("shows a checkpoint that cannot be read, with starting over as the only way on with it (finding U12)", () => {
		const damaged: CheckpointInfo = {
			...checkpoint(0, 0, false),
			damaged: 'The state\'s record "c1" is damaged.',
		};
		const frame = render(withTheme(<ResumeStep checkpoints={[damaged]} onChoose={() => {}} />));
		const text = frame.lastFrame() ?? "";
		expect(text).toContain("A checkpoint here cannot be read");
		expect(text).toContain(
			`customers.csv.checkpoint.json cannot be read: The state's record "c1" is damaged.`,
		);
		expect(text).toContain("Start over, setting the unreadable customers.csv.checkpoint.json aside");
		expect(text).not.toContain("Resume customers");
		expect(text).not.toContain("Sync other files");
		frame.unmount();
	});

	it("keys that arrive together choose what they moved to, not the choice shown before them (finding W7)", async () => {
		const chosen: string[] = [];
		const frame = render(
			withTheme(<ResumeStep checkpoints={[checkpoint(12, 0)]} onChoose={(c) => chosen.push(c.kind)} />),
		);
		// Let Ink attach its input listener, then send ↓ ↓ Enter in one write, as tmux or a paste does.
		await new Promise((resolve) => setTimeout(resolve, 50));
		frame.stdin.write("\u001b[B\u001b[B\r");
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(chosen).toEqual(["other-files"]);
		frame.unmount();
	});
});
