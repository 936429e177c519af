/**
 * Public surface of the local Pivotal API simulator: a faithful loopback stand-in for
 * `https://my.pivotal.app/api/v1` (see the API reference in shared/pivotal-api.md and its §12 assumptions),
 * with an injectable clock, a seeded PRNG, random and scripted faults, and an admin surface
 * under `/_admin` (documented in admin-handler.ts).
 */
export { runSimCommand } from "./command.js";
export type { SimCounters } from "./counters.js";
export type { DuplicatesReport } from "./duplicates.js";
export { DEFAULT_FAULTS, FAULT_SPEC_GRAMMAR, type FaultConfig, parseFaultSpec } from "./fault-config.js";
export type { SimKeySpec, SimulatorOptions } from "./options.js";
export type { SimRequest, SimResource, SimRoute } from "./resource-routes.js";
export type { ScriptedFault } from "./scripted-faults.js";
export type { SimStateDump } from "./sim-engine.js";
export { type Simulator, startSimulator } from "./simulator.js";
export type { SimSnapshot } from "./snapshot.js";
