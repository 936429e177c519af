/**
 * A guess at what a file that is not UTF-8 is in, for the message that names `--encoding`. Only
 * ever asked about a file that failed to decode, so its cost is off the fast path.
 */

/** Sample read around the first bad byte: enough for chardet's statistics. */
export const SAMPLE_BYTES = 64 * 1024;

/**
 * The most likely single-byte code page of `sample`, in the name `--encoding` takes. chardet
 * tells the code pages apart by letter statistics; a guess it is unsure of (or a multi-byte
 * answer for a file that is mostly ASCII) falls back to windows-1252, what Excel writes on
 * Windows in Western Europe and the Americas.
 */
export async function likelyEncoding(sample: Uint8Array): Promise<LikelyEncoding> {
	// Loaded on the error path only: a valid file never pays for the detector.
	const { default: chardet } = await import("chardet");
	const best = chardet.analyse(sample).find((m) => m.name !== "UTF-8" && !m.name.startsWith("UTF-"));
	if (best === undefined || best.confidence < 10) return { name: "windows-1252", isSure: false };
	const name = best.name.toLowerCase();
	// A short sample reads as windows-1252 whatever it is (a few Greek or Japanese words score
	// low for their own code page): only a clear lead is said to be what the file looks like.
	const isSure = best.confidence >= CONFIDENT && sample.length >= MIN_SURE_BYTES;
	// ISO-8859-1 is a subset of windows-1252 for text: name the one that also covers € and “ ”.
	return { name: name === "iso-8859-1" ? "windows-1252" : name, isSure };
}

export interface LikelyEncoding {
	readonly name: string;
	/** chardet's lead is clear enough to tell the user the file looks like it. */
	readonly isSure: boolean;
}

/** chardet's confidence (0–100) from which its guess is named as what the file looks like. */
const CONFIDENT = 50;
/** Fewer bytes than this are too few for letter statistics (adversarial finding Q8). */
const MIN_SURE_BYTES = 2048;
