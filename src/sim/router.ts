import { SIM_RESOURCES, type SimResource, type SimRoute } from "./resource-routes.js";

/** Route templates, the names counters and scripted faults use (`/customers/:id/contacts`). */
export type RouteName = string;

export interface RouteMatch {
	readonly route: RouteName;
	/** The `{id}` segment, decoded, when the route has one. */
	readonly id: string;
	/** The methods the route answers; anything else is a 404 like an unknown path. */
	readonly methods: readonly string[];
	/** The resource route's handler (`/health` and `/me` have none: the API handler answers them). */
	readonly handler?: SimRoute;
}

export const API_PREFIX = "/api/v1";

interface CompiledRoute {
	readonly parts: readonly string[];
	readonly route: RouteName;
	readonly methods: readonly string[];
	readonly handler?: SimRoute;
}

const OWN_ROUTES: readonly CompiledRoute[] = [
	{ parts: ["health"], route: "/health", methods: ["GET"] },
	{ parts: ["me"], route: "/me", methods: ["GET"] },
];

/** The routes of `/health`, `/me` and each resource's handler, matched by splitting, no regex table. */
export class Router {
	readonly #routes: readonly CompiledRoute[];

	constructor(resources: readonly SimResource[] = SIM_RESOURCES) {
		const routes = [...OWN_ROUTES];
		for (const resource of resources) {
			for (const handler of resource.routes) {
				const parts = handler.template.split("/").filter((p) => p !== "");
				routes.push({ parts, route: handler.template, methods: handler.methods, handler });
			}
		}
		this.#routes = routes;
	}

	/** Matches a path below `/api/v1` (e.g. `/customers/12/contacts`). */
	match(subPath: string): RouteMatch | undefined {
		const parts = subPath.split("/").filter((p) => p !== "");
		for (const candidate of this.#routes) {
			if (candidate.parts.length !== parts.length) continue;
			let id = "";
			let isMatch = true;
			for (let i = 0; i < parts.length && isMatch; i++) {
				const want = candidate.parts[i]!;
				if (want !== ":id") {
					isMatch = want === parts[i];
					continue;
				}
				try {
					id = decodeURIComponent(parts[i]!);
				} catch {
					return undefined;
				}
			}
			if (!isMatch) continue;
			const { route, methods, handler } = candidate;
			return handler === undefined ? { route, id, methods } : { route, id, methods, handler };
		}
		return undefined;
	}
}

const BUILT_IN = new Router();

/** Matches a path against the built-in routes. */
export function matchRoute(subPath: string): RouteMatch | undefined {
	return BUILT_IN.match(subPath);
}
