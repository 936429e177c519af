/**
 * Connections opened ahead of need. A run's first burst asks for a window's worth of requests at
 * once; a pool that opens its connections only then pays every connect (and, over HTTPS, every
 * TLS handshake) on the burst's path. Asked once `GET /me` is answered, the connector opens the
 * connections beside it and hands them to the pool as it asks. Nothing is sent on them: a key
 * that `GET /me` refuses has had nothing but TCP connects.
 */

import type { Socket } from "node:net";
import type { buildConnector as BuildConnector } from "undici";
import { buildConnector } from "./undici-parts.js";

type ConnectOptions = BuildConnector.Options;

export interface WarmConnector {
	/** The pool's connector: a spare connection that is still open, or a new one. */
	readonly connect: BuildConnector.connector;
	/**
	 * Have `count` connections open or opening beside the ones the pool holds, once it has
	 * connected once (its first request shows where to connect). Never throws.
	 */
	warm(count: number): void;
	/** Connections open and not yet handed to the pool. */
	readonly spare: number;
	/** Closes the spare connections; later warming does nothing. */
	close(): void;
}

export function warmConnector(options: BuildConnector.BuildOptions): WarmConnector {
	const base = buildConnector(options);
	const spares: Socket[] = [];
	// Each spare's listeners that take it off the list when it closes before it is used.
	const drops = new WeakMap<Socket, () => void>();
	let opening = 0;
	// Spares asked for before the pool's first connect showed where to connect.
	let wanted = 0;
	let target: ConnectOptions | undefined;
	let isClosed = false;

	const keep = (socket: Socket): void => {
		// A spare does not keep the process alive: the pool refs the connections it uses.
		socket.unref();
		const drop = () => {
			const at = spares.indexOf(socket);
			if (at >= 0) spares.splice(at, 1);
		};
		socket.on("error", drop).on("close", drop);
		drops.set(socket, drop);
		spares.push(socket);
	};

	// One warming: a spare the pool takes is not replaced (the pool keeps it open itself).
	const openSpares = (): void => {
		if (target === undefined || isClosed) return;
		const at = target;
		for (; spares.length + opening < wanted; opening += 1) {
			base(at, (error, socket) => {
				opening -= 1;
				if (error !== null || socket === null) return;
				if (isClosed) socket.destroy();
				else keep(socket);
			});
		}
		wanted = 0;
	};

	const takeSpare = (): Socket | undefined => {
		for (let socket = spares.shift(); socket !== undefined; socket = spares.shift()) {
			const drop = drops.get(socket);
			if (drop) socket.off("error", drop).off("close", drop);
			// Closed by the server while it waited (or half-closed): a new connection instead.
			if (socket.destroyed || !socket.writable || socket.readableEnded) {
				socket.destroy();
				continue;
			}
			socket.ref();
			return socket;
		}
		return undefined;
	};

	const connect: BuildConnector.connector = (opts, callback) => {
		target ??= opts;
		const spare = takeSpare();
		// Handed over on a later tick, as a new connection would be: the pool's client is not
		// ready to take it inside its own connect call.
		if (spare !== undefined) process.nextTick(() => callback(null, spare));
		else base(opts, callback);
		openSpares();
	};

	return {
		connect,
		warm(count) {
			if (isClosed) return;
			wanted = Math.max(wanted, Math.floor(count));
			openSpares();
		},
		get spare() {
			return spares.length;
		},
		close() {
			isClosed = true;
			wanted = 0;
			for (const socket of spares.splice(0)) socket.destroy();
		},
	};
}
