/**
 * A `domain` cell written as a URL (`https://www.globex.com/about`, as CRMs' Website columns
 * hold) → its host (`globex.com`). A leading `www.` is dropped, bare or in a URL: it names the
 * web server, not the company's domain, and Pivotal's domain is the company's. Hosts are
 * case-insensitive, so they are lower-cased. Anything that is still not a host is left for the
 * check to report.
 */
export function hostOf(value: string): string {
	let host = value.trim();
	const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(host);
	if (scheme !== null) host = host.slice(scheme[0].length);
	else if (host.startsWith("//")) host = host.slice(2);
	const end = host.search(/[/?#]/);
	if (end !== -1) host = host.slice(0, end);
	const at = host.lastIndexOf("@");
	if (at !== -1 && scheme !== null) host = host.slice(at + 1);
	host = host.replace(/:\d{1,5}$/, "").replace(/\.$/, "");
	host = host.toLowerCase();
	if (host.startsWith("www.") && host.indexOf(".", 4) !== -1) host = host.slice(4);
	return host;
}
