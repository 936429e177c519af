import { useStdout } from "ink";
import { useEffect, useState } from "react";

export interface TerminalSize {
	readonly columns: number;
	readonly rows: number;
}

/** The terminal's size, following resizes. Defaults to 80×24 when the stream does not say. */
export function useTerminalSize(): TerminalSize {
	const { stdout } = useStdout();
	const read = (): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
		stdout.on("resize", onResize);
		return () => {
			stdout.off("resize", onResize);
		};
	}, [stdout]);
	return size;
}
