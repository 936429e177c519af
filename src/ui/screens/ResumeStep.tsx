import { basename } from "node:path";
import { Box, Text } from "ink";
import { PASSES } from "../../model/records.js";
import { escapeControls } from "../../model/terminal-text.js";
import { type Choice, ChoiceList } from "../components/ChoiceList.js";
import { StepHeader } from "../components/StepHeader.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTheme } from "../hooks/use-theme.js";
import { formatCount } from "../model/format.js";
import type { CheckpointInfo } from "../services.js";

export type ResumeChoice =
	| { readonly kind: "resume"; readonly checkpoint: CheckpointInfo }
	| { readonly kind: "fresh"; readonly checkpoint: CheckpointInfo }
	/** Its state, with files picked anew: a new export of the same import (adversarial finding S9). */
	| { readonly kind: "other-files"; readonly checkpoint: CheckpointInfo }
	| { readonly kind: "new" };

export interface ResumeStepProps {
	readonly checkpoints: readonly CheckpointInfo[];
	readonly onChoose: (choice: ResumeChoice) => void;
}

/** `customers 120/200 done · 3 failed · contacts 0/400` */
export function checkpointCounts(cp: CheckpointInfo): string {
	return PASSES.filter((pass) => cp.counts[pass].total > 0 || cp.sources[pass])
		.map((pass) => {
			const c = cp.counts[pass];
			return `${pass} ${formatCount(c.done)}/${formatCount(c.total)}${c.failed ? ` (${c.failed} failed)` : ""}`;
		})
		.join(" · ");
}

/**
 * What starting over costs the creates of a state that may be in Pivotal (adversarial finding
 * AF5): resuming looks them up; a fresh state does not know them. Undefined when there are none.
 */
export function freshDoubtsNote(count: number): string | undefined {
	if (count === 0) return undefined;
	const one = count === 1;
	return `${count} ${one ? "create" : "creates"} of it got no answer and may be in Pivotal: resuming looks ${one ? "it" : "them"} up; starting over does not know ${one ? "it" : "them"}, and makes again one it does not find.`;
}

/** First step when the folder holds a checkpoint: carry on, start over, or pick other files. */
export function ResumeStep({ checkpoints, onChoose }: ResumeStepProps) {
	const isActive = useIsInputActive();
	const theme = useTheme();
	const readable = checkpoints.filter((cp) => cp.damaged === undefined);
	const choices: Choice<ResumeChoice>[] = [
		...readable.map((checkpoint) => ({
			value: { kind: "resume", checkpoint } as const,
			label: `Resume ${basename(checkpoint.sources.customers ?? checkpoint.path)}`,
			hint: checkpointCounts(checkpoint),
		})),
		...checkpoints.map((checkpoint) => ({
			value: { kind: "fresh", checkpoint } as const,
			label:
				checkpoint.damaged === undefined
					? `Start over with ${basename(checkpoint.sources.customers ?? checkpoint.path)}`
					: `Start over, setting the unreadable ${basename(checkpoint.path)} aside`,
			// What it costs (adversarial finding S14): a first sync again, which adopts what it finds.
			hint: "(the checkpoint is set aside: records are then adopted as found, no longer undone or deleted as this import's)",
		})),
		...readable.map((checkpoint) => ({
			value: { kind: "other-files", checkpoint } as const,
			label: `Sync other files into ${basename(checkpoint.sources.customers ?? checkpoint.path)}'s import`,
			// A new export under another name: without its state, what it made would be looked up
			// as a first sync, and a re-typed id made a second customer.
			hint: "(a new export of it: its state is kept, re-typed ids refused)",
		})),
		{ value: { kind: "new" }, label: "Pick other files", hint: "(a new import, with a state of its own)" },
	];
	return (
		<Box flexDirection="column">
			<StepHeader
				title="Resume an import?"
				step="0/4"
				subtitle={
					readable.length === 0
						? "A checkpoint here cannot be read: starting over sets it aside (a copy is kept beside it)."
						: readable.every((cp) => cp.isFinished)
							? "A checkpoint of an import is here; its last run finished: resuming syncs the files again."
							: "A checkpoint of an unfinished import is here."
				}
			/>
			{checkpoints.map((cp) => (
				<Box key={cp.path} flexDirection="column">
					<Text dimColor wrap={cp.damaged === undefined ? "truncate-end" : "wrap"}>
						{escapeControls(basename(cp.path))}
						{cp.damaged === undefined
							? ` · run ${escapeControls(cp.runId)} · saved ${escapeControls(cp.updatedAt)}`
							: ` cannot be read: ${escapeControls(cp.damaged)}`}
					</Text>
					{freshDoubtsNote(cp.createsInDoubt ?? 0) === undefined ? null : (
						<Text {...theme.tint("warn")} wrap="wrap">
							⚠ {freshDoubtsNote(cp.createsInDoubt ?? 0)}
						</Text>
					)}
				</Box>
			))}
			<Box marginTop={1}>
				<ChoiceList choices={choices} onSelect={onChoose} isActive={isActive} />
			</Box>
			<Box marginTop={1}>
				<Text dimColor>↑/↓ move · Enter choose · Ctrl+C quit</Text>
			</Box>
		</Box>
	);
}
