/** Route templates, the names counters and scripted faults use. */
export type RouteName =
	| "/health"
	| "/me"
	| "/customers"
	| "/customers/:id"
	| "/customers/:id/contacts"
	| "/customers/:id/onboardings"
	| "/contacts/:id"
	| "/onboardings"
	| "/onboardings/:id";

export interface RouteMatch {
	readonly route: RouteName;
	/** The `{id}` segment, decoded, when the route has one. */
	readonly id: string;
}

export const API_PREFIX = "/api/v1";

/** Methods each route answers; anything else is a 404 like an unknown path. */
export const ROUTE_METHODS: Readonly<Record<RouteName, readonly string[]>> = {
	"/health": ["GET"],
	"/me": ["GET"],
	"/customers": ["GET", "POST"],
	"/customers/:id": ["GET", "PATCH", "DELETE"],
	"/customers/:id/contacts": ["GET", "POST"],
	"/customers/:id/onboardings": ["GET"],
	"/contacts/:id": ["GET", "PATCH", "DELETE"],
	"/onboardings": ["GET", "POST"],
	"/onboardings/:id": ["GET", "PATCH", "DELETE"],
};

/** Matches a path below `/api/v1` (e.g. `/customers/12/contacts`) by splitting, no regex table. */
export function matchRoute(subPath: string): RouteMatch | undefined {
	const parts = subPath.split("/").filter((p) => p !== "");
	let id = "";
	if (parts[1] !== undefined) {
		try {
			id = decodeURIComponent(parts[1]);
		} catch {
			return undefined;
		}
	}
	const [head] = parts;
	switch (parts.length) {
		case 1:
			if (head === "health" || head === "me" || head === "customers" || head === "onboardings") {
				return { route: `/${head}`, id };
			}
			return undefined;
		case 2:
			if (head === "customers" || head === "contacts" || head === "onboardings") {
				return { route: `/${head}/:id`, id };
			}
			return undefined;
		case 3:
			if (head === "customers" && (parts[2] === "contacts" || parts[2] === "onboardings")) {
				return { route: `/customers/:id/${parts[2]}`, id };
			}
			return undefined;
		default:
			return undefined;
	}
}
