import type { StateFlags } from "./state-location.js";

/** The connection, key, state and output flags `import`, `apply` and `undo` share. */
export interface RunFlags extends StateFlags {
	/** `--base-url URL` (env `PIVOTAL_API_URL`). @default Pivotal's API */
	readonly baseUrl?: string | undefined;
	/** Variables holding the keys, one per key (all of one workspace). @default ["PIVOTAL_API_KEY"] */
	readonly keyEnv?: readonly string[] | undefined;
	/** Requests in flight at most. @default chosen from the keys' limit */
	readonly concurrency?: number | undefined;
	/** Rate-limit window of the server in seconds (Pivotal: 60; a simulator may differ). */
	readonly window?: number | undefined;
	readonly headless: boolean;
	/** NDJSON on stdout, the summary last. */
	readonly json: boolean;
	readonly yes: boolean;
	readonly verbose: boolean;
}
