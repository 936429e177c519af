/**
 * Output read by a program that stops reading early (`pivotal-tui import … --dry-run | head`):
 * the pipe closes and the next write fails with EPIPE. Nobody is left to read what follows, so
 * the rest is dropped and the command carries on to its own end and exit code: a run is never
 * cut short, and no stack trace is shown.
 */

const CLOSED = new Set(["EPIPE", "ERR_STREAM_DESTROYED"]);

export function dropOutputOnClosedPipe(stream: NodeJS.WriteStream): void {
	stream.on("error", (error: NodeJS.ErrnoException) => {
		if (CLOSED.has(error.code ?? "")) return;
		throw error;
	});
}
