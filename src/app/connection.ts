/** Which Pivotal a run talks to. */

import { DEFAULT_BASE_URL } from "../api/client-options.js";

export { DEFAULT_BASE_URL };

/** The server a command names (`--base-url`), else the environment's (`PIVOTAL_API_URL`), else Pivotal. */
export function baseUrlOf(
	given: string | undefined,
	env: Readonly<Record<string, string | undefined>>,
): string {
	return withoutSecrets(given ?? env.PIVOTAL_API_URL ?? DEFAULT_BASE_URL);
}

/**
 * The API's base URL without a query, a fragment or a user and password: requests never carry
 * them (the client sends to the origin and path), and the state and the plan keep the URL, where
 * a `?token=…` or a gateway's `user:password@` would be a secret written down (adversarial
 * findings Q2, V10).
 */
function withoutSecrets(url: string): string {
	if (!url.includes("?") && !url.includes("#") && !url.includes("@")) return url;
	try {
		const parsed = new URL(url);
		parsed.search = "";
		parsed.hash = "";
		parsed.username = "";
		parsed.password = "";
		return parsed.href;
	} catch {
		return url;
	}
}
