import { defineConfig } from "vitest/config";

// One Postgres server for the whole run, started when a test first asks for it (see the file).
export default defineConfig({
	test: { globalSetup: ["test/support/postgres-global.ts"] },
});
