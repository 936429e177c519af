/**
 * A PgBouncer in front of the test Postgres, as a managed database's "pooled" URL is: transaction
 * mode, a small pool. Only where the `pgbouncer` binary is installed (CI's image may not have
 * it): `pgbouncerBinary()` is undefined otherwise and the tests that need it skip.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { PG_PASSWORD, PG_USER } from "./postgres-server.js";
import { tempDir } from "./temp-dirs.js";

/** The binary's path, or undefined when it is not installed. */
export function pgbouncerBinary(): string | undefined {
	for (const path of ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"])
		if (existsSync(path)) return path;
	try {
		return execFileSync("sh", ["-c", "command -v pgbouncer"], { encoding: "utf8" }).trim() || undefined;
	} catch {
		return undefined;
	}
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

async function listening(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createConnection({ host: "127.0.0.1", port }, () => {
			socket.end();
			resolve(true);
		});
		socket.once("error", () => resolve(false));
	});
}

export interface Pgbouncer {
	/** `postgres://pivotal:PASSWORD@127.0.0.1:PORT/database` through the pooler. */
	url(database: string): string;
	stop(): Promise<void>;
}

/**
 * Starts a pooler in transaction mode with `poolSize` server connections per database, in front
 * of `postgresPort`; `settings` are more lines of its `[pgbouncer]` section.
 */
export async function startPgbouncer(
	binary: string,
	postgresPort: number,
	poolSize: number,
	settings: readonly string[] = [],
): Promise<Pgbouncer> {
	const dir = tempDir("pivotal-tui-pgb-");
	// As root it runs as the server's user (it refuses root), who must read its files.
	const isRoot = process.getuid?.() === 0;
	if (isRoot) chmodSync(dir, 0o777);
	const port = await freePort();
	writeFileSync(join(dir, "users.txt"), `"${PG_USER}" "${PG_PASSWORD}"\n`, { mode: 0o644 });
	writeFileSync(
		join(dir, "pgbouncer.ini"),
		[
			"[databases]",
			`* = host=127.0.0.1 port=${postgresPort}`,
			"[pgbouncer]",
			"listen_addr = 127.0.0.1",
			`listen_port = ${port}`,
			"unix_socket_dir =",
			"auth_type = scram-sha-256",
			`auth_file = ${join(dir, "users.txt")}`,
			"pool_mode = transaction",
			`default_pool_size = ${poolSize}`,
			"max_client_conn = 200",
			`logfile = ${join(dir, "pgbouncer.log")}`,
			"ignore_startup_parameters = extra_float_digits,options",
			...settings,
			"",
		].join("\n"),
		{ mode: 0o644 },
	);
	const args = [...(isRoot ? ["-u", "postgres"] : []), join(dir, "pgbouncer.ini")];
	const child: ChildProcess = spawn(binary, args, { stdio: "ignore" });
	for (let i = 0; i < 200 && !(await listening(port)); i++) {
		if (child.exitCode !== null) throw new Error(`pgbouncer exited ${child.exitCode} at start`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return {
		url: (database) =>
			`postgres://${PG_USER}:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${port}/${database}`,
		stop: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once("exit", resolve));
			child.kill("SIGTERM");
			await exited;
		},
	};
}
