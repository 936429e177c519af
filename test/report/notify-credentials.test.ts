import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NotifyPayload, postNotification } from "../../src/report/notify.js";

// A webhook behind Basic authorization, given as https://user:password@host/… (adversarial finding O8).
describe("--notify to a URL with a user and password", () => {
	const received: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
	const server = createServer((request, response) => {
		received.push({ url: request.url, headers: request.headers });
		request.resume();
		request.on("end", () => response.writeHead(request.headers.authorization ? 200 : 401).end());
	});
	let origin = "";
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	it("sends them as Basic authorization, not in the URL, and names only the host", async () => {
		// Only posted as JSON: its shape is the reports' concern (ci-report.test.ts).
		const payload = { text: "Import finished" } as unknown as NotifyPayload;
		const warning = await postNotification(`http://hook%40user:p%3Ass@${origin}/hook?x=1`, payload);
		expect(warning).toBeUndefined();
		const [first] = received;
		expect(first?.url).toBe("/hook?x=1");
		expect(first?.headers.authorization).toBe(`Basic ${Buffer.from("hook@user:p:ss").toString("base64")}`);
		const refused = await postNotification(`http://${origin}/hook`, payload);
		expect(refused).toBe(`Could not notify ${origin}: it answered 401; the run's outcome is unchanged.`);
	});
});
