import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { describe, expect, it } from "vitest";
import { warmConnector } from "../../src/api/warm-connector.js";
import { API_KEY, clientsPerTest, json, ME } from "./loopback.js";

const connect = clientsPerTest();

/** Polls `ready` for up to ~5 s (a loaded machine connects slowly); never asserts time. */
async function until(ready: () => boolean): Promise<void> {
	for (let i = 0; i < 500 && !ready(); i++) await sleep(10);
}

const slowly = (_req: unknown, res: Parameters<typeof json>[0]) => {
	setTimeout(() => json(res, 200, ME), 20);
};

describe("connections opened ahead of a burst", () => {
	it("opens the asked connections beside GET /me's, sends nothing on them, and the burst uses them", async () => {
		const { server, client } = await connect(slowly);
		client.warm?.(3);
		await client.me();
		await until(() => server.connections() >= 4);
		// The server counts a connection before the client sees it open.
		await sleep(50);
		expect(server.connections()).toBe(4);
		// Nothing was sent on the spares: the server saw only GET /me.
		expect(server.requests.map((r) => r.url)).toEqual(["/api/v1/me"]);
		// Four at once: the pool takes the three spares and opens nothing more.
		await Promise.all(Array.from({ length: 4 }, () => client.me()));
		expect(server.requests).toHaveLength(5);
		expect(server.connections()).toBe(4);
	});

	it("opens none before the pool's first connection, and does not replace a spare the pool took", async () => {
		const { server, client } = await connect(slowly);
		client.warm?.(2);
		await sleep(50);
		expect(server.connections()).toBe(0);
		await client.me();
		await until(() => server.connections() >= 3);
		await sleep(50);
		expect(server.connections()).toBe(3);
		await Promise.all(Array.from({ length: 3 }, () => client.me()));
		await sleep(50);
		expect(server.connections()).toBe(3);
	});

	it("never hands the pool a spare the server closed: the request goes over a new connection", async () => {
		const { server } = await connect(slowly);
		const connector = warmConnector({ timeout: 5_000 });
		const pool = new Pool(`http://127.0.0.1:${server.port}`, { connections: 4, connect: connector.connect });
		try {
			connector.warm(1);
			const first = await pool.request({ path: "/api/v1/me", method: "GET" });
			await first.body.dump();
			await until(() => connector.spare === 1);
			expect(connector.spare).toBe(1);
			// The server drops every idle connection, the spare among them.
			await server.close();
			await until(() => connector.spare === 0);
			expect(connector.spare).toBe(0);
		} finally {
			connector.close();
			await pool.close();
		}
	});

	it("close() closes the spares, and a client closed before they open keeps none", async () => {
		const { server, client } = await connect(slowly);
		const connector = warmConnector({ timeout: 5_000 });
		const pool = new Pool(`http://127.0.0.1:${server.port}`, { connect: connector.connect });
		connector.warm(2);
		const first = await pool.request({ path: "/api/v1/me", method: "GET" });
		await first.body.dump();
		await until(() => connector.spare === 2);
		connector.close();
		expect(connector.spare).toBe(0);
		connector.warm(2);
		await sleep(50);
		expect(connector.spare).toBe(0);
		await pool.close();
		// The other client of this test: closed at once after warming, it leaves nothing open behind.
		client.warm?.(2);
		await client.close();
	});
});

describe("GET /me's names", () => {
	it("are masked where the server echoes the key in them, and kept as sent where it does not", async () => {
		const secret = API_KEY.replace(/^pivotal_test_/, "");
		const names: Record<string, string> = {
			echo: `Acme ${API_KEY}`,
			cut: `Acme ${secret.slice(0, 13).toUpperCase()}`,
			plain: "Acme Café",
		};
		let asked = "plain";
		const { client } = await connect((_req, res) =>
			json(res, 200, { ...ME, organization: { ...ME.organization, name: names[asked] } }),
		);
		for (const which of Object.keys(names)) {
			asked = which;
			const { data } = await client.me();
			if (which === "plain") expect(data.organization.name).toBe("Acme Café");
			else expect(data.organization.name.toLowerCase()).not.toContain(secret.slice(0, 12).toLowerCase());
			expect(data.organization.name.startsWith("Acme ")).toBe(true);
		}
	});
});
