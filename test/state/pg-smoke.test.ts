import { describe, expect, it } from "vitest";
import { usePostgres } from "../support/postgres.js";

const db = usePostgres();

describe("embedded postgres", () => {
	it("answers", async () => {
		const url = await db.newDatabase();
		const rows = await db.query(url.split("/").pop()!, "SELECT 1 AS one");
		expect(rows).toEqual([{ one: 1 }]);
	});
});
