/**
 * A `domain` cell written as a URL (`https://www.globex.com/about`, as CRMs' Website columns
 * hold) → its host (`globex.com`). A leading `www.` is dropped, bare or in a URL: it names the
 * web server, not the company's domain, and Pivotal's domain is the company's. Hosts are
 * case-insensitive, so they are lower-cased. Anything that is still not a host is left for the
 * check to report.
 */
export function hostOf(value: string): string {
	if (isPlainHost(value)) return value;
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

/** Lower-case letters, digits, dots and hyphens, no `www.` in front: already a host (the common case, answered without allocating). */
function isPlainHost(value: string): boolean {
	if (value.length === 0 || value.startsWith("www.") || value.charCodeAt(value.length - 1) === 46)
		return false;
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c > 127)) return false;
	}
	return true;
}
