/**
 * The three parts of undici the client uses, each loaded from its own file. undici's index also
 * loads fetch, WebSocket, cookies, caches and mocks, none of which a run uses: about 70 ms of
 * every sending run's start (a bare script pays it too). The files are those undici's index
 * itself requires, so these are the very same objects (`undici-parts.test.ts` checks it, to
 * catch an upgrade that moves them); the types come from undici's own declarations.
 */

import { createRequire } from "node:module";
import type * as Undici from "undici";

const require = createRequire(import.meta.url);

export const Pool = require("undici/lib/dispatcher/pool.js") as typeof Undici.Pool;
export const buildConnector = require("undici/lib/core/connect.js") as typeof Undici.buildConnector;
export const parseHeaders = (require("undici/lib/core/util.js") as typeof Undici.util).parseHeaders;
