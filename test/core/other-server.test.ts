/**
 * A state made against another server is refused, and the way out named fits the store: another
 * --checkpoint file for a file state, another --name for a database's import, where a file would
 * be a first sync every night on a machine that keeps nothing (adversarial finding V11).
 */
import { describe, expect, it } from "vitest";
import type { CheckpointHeader } from "../../src/core/checkpoint/index.js";
import { otherServer } from "../../src/core/open-state.js";

const header = {
	runId: "r",
	createdAt: "2026-12-07T00:00:00Z",
	keyFingerprint: "sha256:k",
	baseUrl: "http://a.example/api/v1",
	sources: { customers: undefined, contacts: undefined, onboardings: undefined },
} as CheckpointHeader;

describe("a state of another server", () => {
	it("is this server's: no refusal", () => {
		expect(otherServer(header, "http://a.example/api/v1", "c.csv.checkpoint.json")).toBeUndefined();
	});

	it("names another --checkpoint file for a file state, another --name for a database's import", () => {
		expect(otherServer(header, "http://b.example/api/v1", "c.csv.checkpoint.json")).toMatch(
			/or another --checkpoint file\.$/,
		);
		expect(
			otherServer(header, "http://b.example/api/v1", "postgres://u:***@db/nightly (import customers)"),
		).toMatch(/or another --name\.$/);
	});
});
