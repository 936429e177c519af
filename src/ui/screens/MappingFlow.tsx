import { Spinner } from "@inkjs/ui";
import { Box, Text, useInput } from "ink";
import { useEffect, useState } from "react";
import { PASSES, type PassName } from "../../model/records.js";
import { escapeControlsKeepingLines } from "../../model/terminal-text.js";
import {
	defaultMapPath,
	isOwnHeader,
	type MapSection,
	parseMap,
	type SourceMap,
	type SourceOptions,
} from "../../source/index.js";
import { useIsInputActive } from "../hooks/use-is-input-active.js";
import { useTheme } from "../hooks/use-theme.js";
import { type EncodingOffer, encodingOffer } from "../model/encoding-offer.js";
import type { SourceSample, UiServices } from "../services.js";
import { EncodingStep } from "./EncodingStep.js";
import { MappingStep } from "./MappingStep.js";

export interface MappingFlowProps {
	readonly files: Readonly<Partial<Record<PassName, string>>>;
	readonly services: Pick<
		UiServices,
		"sampleSource" | "distinctValues" | "loadMap" | "writeFile" | "detectEncoding"
	>;
	/** `--encoding` and `--delimiter` from the command line: the files are sampled as they will be read. */
	readonly source?: SourceOptions | undefined;
	/**
	 * The map now in use (saved beside the customers file), or undefined when every header is
	 * ours; and the encoding chosen on the encoding step, when it was shown.
	 */
	readonly onDone: (map: SourceMap | undefined, encoding?: string) => void;
	readonly onBack: () => void;
}

type Flow =
	| { readonly kind: "loading" }
	| { readonly kind: "encoding"; readonly offer: EncodingOffer }
	| {
			readonly kind: "mapping";
			readonly todo: readonly PassName[];
			readonly samples: Readonly<Partial<Record<PassName, SourceSample>>>;
			readonly saved: Readonly<Partial<Record<PassName, MapSection>>>;
			readonly done: Readonly<Partial<Record<PassName, MapSection>>>;
			/** Sections chosen in this session, kept when the user steps back to a file. */
			readonly drafts: Readonly<Partial<Record<PassName, MapSection>>>;
	  }
	| { readonly kind: "error"; readonly message: string };

/**
 * The mapping step for every chosen file whose header is not ours, one after the other, from the
 * map saved beside the customers file when there is one; the result is saved there again.
 */
export function MappingFlow({ files, services, source, onDone, onBack }: MappingFlowProps) {
	const theme = useTheme();
	const isActive = useIsInputActive();
	const [flow, setFlow] = useState<Flow>({ kind: "loading" });
	const mapPath = defaultMapPath(files.customers ?? "import.csv");
	/** Chosen on the encoding step; `--encoding` otherwise. */
	const [encoding, setEncoding] = useState<string | undefined>(source?.encoding);
	const [offer, setOffer] = useState<EncodingOffer | undefined>(undefined);
	const reading: SourceOptions = { encoding, delimiter: source?.delimiter };

	const fail = (error: unknown): void =>
		setFlow({ kind: "error", message: error instanceof Error ? error.message : String(error) });

	/** Samples every file read as `read` says, then maps those whose header is not ours. */
	const sampleAll = async (read: SourceOptions, isCancelled: () => boolean): Promise<void> => {
		const loaded = await services.loadMap(mapPath);
		const saved = loaded?.ok ? loaded.map.sections : {};
		const samples: Partial<Record<PassName, SourceSample>> = {};
		const todo: PassName[] = [];
		for (const pass of PASSES) {
			const file = files[pass];
			if (file === undefined) continue;
			const sample = await services.sampleSource(file, read);
			samples[pass] = sample;
			// A file that cannot be read is the plan step's to report, with its line.
			if (sample.problem === undefined && !isOwnHeader(pass, sample.header)) todo.push(pass);
		}
		if (isCancelled()) return;
		if (todo.length === 0) onDone(undefined, read.encoding);
		else setFlow({ kind: "mapping", todo, samples, saved, done: {}, drafts: {} });
	};

	// The encoding first (unless --encoding named it): a map made from mis-decoded text would hold
	// the wrong values for good.
	// biome-ignore lint/correctness/useExhaustiveDependencies: the files are fixed while this step shows
	useEffect(() => {
		let isCancelled = false;
		(async () => {
			const found =
				source?.encoding === undefined ? await encodingOffer(files, services, source?.delimiter) : undefined;
			if (isCancelled) return;
			setOffer(found);
			if (found !== undefined) setFlow({ kind: "encoding", offer: found });
			else await sampleAll(reading, () => isCancelled);
		})().catch((error: unknown) => {
			if (!isCancelled) fail(error);
		});
		return () => {
			isCancelled = true;
		};
	}, []);

	const chooseEncoding = (chosen: string): void => {
		setEncoding(chosen);
		setFlow({ kind: "loading" });
		sampleAll({ ...reading, encoding: chosen }, () => false).catch(fail);
	};

	useInput(
		(_input, key) => {
			if (key.escape || key.return) onBack();
		},
		{ isActive: isActive && flow.kind === "error" },
	);

	const finish = async (sections: Partial<Record<PassName, MapSection>>) => {
		const text = `${JSON.stringify(sections, null, 2)}\n`;
		try {
			await services.writeFile(mapPath, text);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			return setFlow({ kind: "error", message: `The map could not be saved to ${mapPath} (${reason}).` });
		}
		const parsed = parseMap(mapPath, text);
		if (parsed.ok) onDone(parsed.map, encoding);
		else setFlow({ kind: "error", message: parsed.problems[0]?.message ?? "The map is not valid." });
	};

	if (flow.kind === "loading") return <Spinner label="Reading the files' headers…" />;
	if (flow.kind === "encoding") {
		const { offer: shown } = flow;
		return (
			<EncodingStep
				files={shown.files}
				detected={shown.detected}
				choices={shown.choices}
				initial={encoding ?? shown.detected}
				previews={shown.previews}
				onChoose={chooseEncoding}
				onBack={onBack}
			/>
		);
	}
	if (flow.kind === "error") {
		return (
			<Box flexDirection="column">
				<Text {...theme.tint("error")}>{escapeControlsKeepingLines(flow.message)}</Text>
				<Text dimColor>Enter or Esc back to the files.</Text>
			</Box>
		);
	}
	const pass = flow.todo.find((p) => flow.done[p] === undefined);
	const sample = pass === undefined ? undefined : flow.samples[pass];
	const file = pass === undefined ? undefined : files[pass];
	if (pass === undefined || sample === undefined || file === undefined) return null;
	return (
		<MappingStep
			key={pass}
			pass={pass}
			file={file}
			header={sample.header}
			sample={sample.rows}
			format={sample.formatLine}
			saved={flow.drafts[pass] ?? flow.saved[pass]}
			mapPath={mapPath}
			loadValues={(columns) => services.distinctValues(file, columns, reading)}
			onDone={(section) => {
				const done = { ...flow.done, [pass]: section };
				if (flow.todo.every((p) => done[p] !== undefined)) void finish(done);
				else setFlow({ ...flow, done, drafts: { ...flow.drafts, [pass]: section } });
			}}
			onBack={() => {
				// Back from a later file re-opens the one before it; from the first, back to the files.
				const index = flow.todo.indexOf(pass);
				const previous = flow.todo[index - 1];
				// From the first file: to the encoding, when it was asked, else to the files.
				if (previous === undefined)
					return offer === undefined ? onBack() : setFlow({ kind: "encoding", offer });
				const { [previous]: _reopened, ...done } = flow.done;
				setFlow({ ...flow, done });
			}}
		/>
	);
}
