/** Which Pivotal a run talks to. */

/** Pivotal's own API. */
export const DEFAULT_BASE_URL = "https://my.pivotal.app/api/v1";

/** The server a command names (`--base-url`), else the environment's (`PIVOTAL_API_URL`), else Pivotal. */
export function baseUrlOf(
	given: string | undefined,
	env: Readonly<Record<string, string | undefined>>,
): string {
	return given ?? env.PIVOTAL_API_URL ?? DEFAULT_BASE_URL;
}
