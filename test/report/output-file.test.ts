import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OutputFile } from "../../src/report/output-file.js";
import { tempDir } from "../support/temp-dirs.js";

describe("a report written to a FIFO", () => {
	// Opened without waiting (a FIFO with no reader must not hold the run: finding O13), a pipe
	// then answers EAGAIN while its reader is behind; the report waits for it, never cut short (P6).
	it("whose reader opens it at once but reads a second later gets every byte", async () => {
		const dir = tempDir();
		const fifo = join(dir, "report.fifo");
		const copy = join(dir, "copy.csv");
		execFileSync("mkfifo", [fifo]);
		const reader = spawn("sh", ["-c", `exec 3<"${fifo}"; sleep 1; cat <&3 > "${copy}"`]);
		// Wait until the reader holds the FIFO open: before that, the open is refused (ENXIO).
		let file: OutputFile | undefined;
		for (let tries = 0; file === undefined; tries++) {
			try {
				file = await OutputFile.open(fifo, "new");
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== "ENXIO" || tries > 200) throw error;
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
		}
		const line = `${"x".repeat(99)}\n`;
		const rows = 20_000; // 2 MB: many times what a pipe holds
		for (let row = 0; row < rows; row++) await file.write(line);
		await file.close();
		await once(reader, "exit");
		expect(readFileSync(copy, "utf8")).toBe(line.repeat(rows));
	}, 30_000);

	it("with no reader is refused at once (ENXIO), never waited on", async () => {
		const fifo = join(tempDir(), "nobody.fifo");
		execFileSync("mkfifo", [fifo]);
		await expect(OutputFile.open(fifo, "new")).rejects.toMatchObject({ code: "ENXIO" });
	});
});
