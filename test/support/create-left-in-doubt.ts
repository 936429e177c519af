/**
 * A run of the built binary killed (SIGKILL) while the simulator holds its first creates, which
 * the server then carries out, as Pivotal would after the client went away: the state holds that
 * create in doubt, and Pivotal holds the record.
 */
import { expect } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import type { ScriptedFault } from "../../src/sim/scripted-faults.js";
import { until } from "../reliability/sync-support.js";
import { startCli } from "./cli.js";

export async function createLeftInDoubt(
	sim: Simulator,
	args: readonly string[],
	env: Readonly<Record<string, string>>,
	/** Pivotal holds the create: what the test waits for after the kill. */
	landed: () => boolean,
	/** Which creates are held. @default the first POST (every POST, with `creates` > 1) */
	fault: Partial<ScriptedFault> = {},
	/** How many creates are out, each held, when the run is killed. */
	creates = 1,
): Promise<void> {
	sim.pushFault({ method: "POST", kind: "hang", hangMs: 1_500, ...fault });
	const { child, result } = startCli([...args, "--concurrency", String(creates)], { env });
	await until(() => (sim.counters().faultsInjected.scripted ?? 0) >= creates);
	child.kill("SIGKILL");
	expect((await result).signal).toBe("SIGKILL");
	await until(landed);
}
