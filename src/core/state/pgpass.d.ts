/** The `pgpass` package (node-postgres's own reader of `~/.pgpass` / `PGPASSFILE`), untyped upstream. */
declare module "pgpass" {
	interface ConnectionInfo {
		readonly host?: string | undefined;
		readonly port?: number | string | undefined;
		readonly database?: string | undefined;
		readonly user?: string | undefined;
	}
	function pgpass(info: ConnectionInfo, done: (password: string | undefined) => void): void;
	export default pgpass;
}
