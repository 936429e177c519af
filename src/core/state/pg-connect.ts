import pg from "pg";
import { connectFailed } from "./pg-errors.js";
import { endClient, failFastAfterTimeout } from "./pg-timeouts.js";

/**
 * A connection to the state's database, or the `CheckpointError` saying in one sentence why not.
 * An error event later (the server gone) is left to the queries to report: with no listener it
 * would crash the process, so one is set before anything can emit it.
 */
export async function connectClient(url: string, config: pg.ClientConfig): Promise<pg.Client> {
	const client = new pg.Client(config);
	client.on("error", () => undefined);
	failFastAfterTimeout(client);
	try {
		await client.connect();
	} catch (error) {
		await endClient(client);
		throw connectFailed(url, error);
	}
	return client;
}
