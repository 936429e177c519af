/**
 * The requests a run makes before its first pass: `GET /me` (proves the key, learns the limit)
 * and, for a state without a workspace, whether this key can see what the state's key created.
 */

import { ApiError } from "../api/errors.js";
import type { Me } from "../api/types.js";
import { asSentence } from "../model/sentence.js";
import type { RunOutcome } from "./events.js";
import type { Requester, SendResult } from "./execute/requester.js";
import type { StateStore } from "./state/state-store.js";

/** Why a run cannot start after its `GET /me` failed: the outcome and the sentence that says so. */
export function meRefusal(result: SendResult<unknown> & { ok: false }): {
	readonly outcome: RunOutcome;
	readonly message: string;
} {
	if (result.verdict.kind === "auth") {
		const status = result.error instanceof ApiError ? `${result.error.status} ${result.error.code}` : "401";
		return {
			outcome: "auth-failed",
			message: `The API key was refused (${status}); nothing was sent. Check the key, then run the same command again.`,
		};
	}
	// A redirect is the address, not the network: http where the server wants https, or a path
	// without /api/v1. Asking again cannot cure it.
	const advice =
		result.error instanceof ApiError && result.error.status >= 300 && result.error.status < 400
			? "Check --base-url (https, and the path ending in /api/v1), then run again."
			: "Check --base-url and the network, then run again.";
	return { outcome: "interrupted", message: `${meProblem(result.error)} ${advice}` };
}

/** `GET /me`, or why the run cannot start (moot when the run was stopped meanwhile). */
export async function askMe(
	requester: Requester,
	signal: AbortSignal,
): Promise<{ readonly me: Me } | { readonly refusal: ReturnType<typeof meRefusal> }> {
	const me = await requester.send((client) => client.me({ signal }), {
		what: "GET /me",
		isRedirectFinal: true,
	});
	return me.ok ? { me: me.value.data } : { refusal: meRefusal(me) };
}

/**
 * Can this key see what the state's key created? The API answers 404 for another workspace's
 * records, so one customer the state holds as done settles it. With none done, nothing was
 * confirmed created anywhere and any workspace may carry on.
 */
export async function isSameWorkspace(
	requester: Requester,
	signal: AbortSignal,
	store: StateStore,
): Promise<boolean> {
	for (const [, state] of store.entries("customers")) {
		if (state.s !== "done") continue;
		const result = await requester.send((client) => client.getCustomer(state.id, { signal }));
		return result.ok;
	}
	return true;
}

/**
 * Why the opening `GET /me` failed, as a sentence of its own: the server's text quoted, never
 * glued to the advice that follows it.
 */
export function meProblem(error: unknown): string {
	if (error instanceof ApiError && error.location !== undefined)
		return `GET /me was redirected (HTTP ${error.status}) to ${JSON.stringify(error.location)}; a redirect is not followed, since the key would go with it.`;
	if (error instanceof ApiError) {
		const said = error.message.trim();
		return `GET /me was answered ${error.status} ${error.code}${said ? ` (${JSON.stringify(said)})` : ""}.`;
	}
	return asSentence(error instanceof Error ? error.message : String(error));
}
