/** Which Pivotal a run talks to. */

import { DEFAULT_BASE_URL } from "../api/client-options.js";

export { DEFAULT_BASE_URL };

/** The server a command names (`--base-url`), else the environment's (`PIVOTAL_API_URL`), else Pivotal. */
export function baseUrlOf(
	given: string | undefined,
	env: Readonly<Record<string, string | undefined>>,
): string {
	return given ?? env.PIVOTAL_API_URL ?? DEFAULT_BASE_URL;
}
