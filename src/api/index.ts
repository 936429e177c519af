// The HTTP client's public surface, for the engine and the TUI.
export { type ClientOptions, createClient, type TimeoutOptions } from "./client.js";
export { ApiError, NetworkError, type NetworkFailure } from "./errors.js";
export { isTestKey, keyFingerprint, maskKey, validateKeyShape } from "./key.js";
export { isAbortError } from "./network-failure.js";
export type * from "./types.js";
