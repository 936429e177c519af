import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { FileStep } from "../../src/ui/screens/FileStep.js";
import { settle, withTheme } from "./helpers.js";

/** The contacts step of a folder with two files, its `onBack` given. */
function contactsStep(onBack: () => void) {
	return render(
		withTheme(
			<FileStep
				pass="contacts"
				folder="/data"
				names={["contacts.csv", "onboardings.csv"]}
				isOptional={true}
				chosen="customers.csv"
				onChoose={() => {}}
				onBack={onBack}
			/>,
		),
	);
}

describe("FileStep, an optional file's step", () => {
	it("Esc goes back, as its hint says (a terminal's lone Esc also reads as meta: adversarial finding S13); with text typed, Esc clears it first", async () => {
		let backs = 0;
		const { stdin, lastFrame, unmount } = contactsStep(() => {
			backs += 1;
		});
		await settle();
		expect(lastFrame()).toContain("Esc back");
		stdin.write("x");
		await settle();
		stdin.write("\u001b");
		await settle();
		expect(backs).toBe(0);
		stdin.write("\u001b");
		await settle();
		expect(backs).toBe(1);
		unmount();
	});

	it("a pasted name's line ending is not typed into the filter (finding Y4)", async () => {
		const { stdin, lastFrame, unmount } = contactsStep(() => {});
		await settle();
		stdin.write("onb\r");
		await settle();
		const frame = lastFrame() ?? "";
		expect(frame).toContain("filter or path: onb");
		expect(frame).not.toMatch(/onb\s*\\x0d|onb\r/);
		unmount();
	});
});
