import { describe, expect, it } from "vitest";
import { idempotencyKey } from "../../src/core/idempotency.js";

describe("idempotencyKey", () => {
	it("is the same for the same run and record, and differs by run, pass and record", () => {
		const key = idempotencyKey("a1b2c3", "customers", "crm-1001");
		expect(idempotencyKey("a1b2c3", "customers", "crm-1001")).toBe(key);
		expect(idempotencyKey("ffffff", "customers", "crm-1001")).not.toBe(key);
		expect(idempotencyKey("a1b2c3", "contacts", "crm-1001")).not.toBe(key);
		expect(idempotencyKey("a1b2c3", "customers", "crm-1002")).not.toBe(key);
	});

	it("keeps short plain ids readable and hashes e-mails and long ids, always under 255 bytes", () => {
		expect(idempotencyKey("r", "customers", "crm-1001")).toBe("pivotal-tui-r-cus-crm-1001");
		const contact = idempotencyKey("r", "contacts", "crm-1001/ann@acme.com");
		expect(contact).not.toContain("acme");
		expect(contact).toMatch(/^pivotal-tui-r-con-h\.[A-Za-z0-9_-]{27}$/);
		const long = idempotencyKey("r", "customers", "x".repeat(10_000));
		expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
		// A plain id that looks like a hash cannot meet a real one: plain ids have no dot.
		expect(idempotencyKey("r", "customers", "h.abc")).toMatch(/-cus-h\.[A-Za-z0-9_-]{27}$/);
	});
});
