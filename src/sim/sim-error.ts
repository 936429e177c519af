/** The seven error types of §4; the type is a function of the HTTP status. */
export type ErrorType =
	| "invalid_request_error"
	| "authentication_error"
	| "permission_error"
	| "not_found"
	| "conflict"
	| "rate_limit_error"
	| "internal_error";

export function errorTypeFor(status: number): ErrorType {
	switch (status) {
		case 400:
			return "invalid_request_error";
		case 401:
			return "authentication_error";
		case 403:
			return "permission_error";
		case 404:
			return "not_found";
		case 409:
			return "conflict";
		case 429:
			return "rate_limit_error";
		default:
			// Anything else we might emit (scripted 503s, 502s) is a server fault from the client's view.
			return status >= 500 ? "internal_error" : "invalid_request_error";
	}
}

export interface ErrorEnvelope {
	error: { type: string; code: string; message: string; field?: string };
}

/** Thrown by handlers and validators; the HTTP layer turns it into the §4 envelope. */
export class SimError extends Error {
	override readonly name = "SimError";
	readonly status: number;
	readonly code: string;
	readonly field: string | undefined;
	readonly type: string;

	constructor(status: number, code: string, message: string, field?: string, type?: string) {
		super(message);
		this.status = status;
		this.code = code;
		this.field = field;
		this.type = type ?? errorTypeFor(status);
	}

	envelope(): ErrorEnvelope {
		const error: ErrorEnvelope["error"] = { type: this.type, code: this.code, message: this.message };
		if (this.field !== undefined) error.field = this.field;
		return { error };
	}
}
