/**
 * The SAX events of an OOXML part, with namespace prefixes dropped (`x:row` and `row` are the
 * same element: some writers prefix the main namespace) and `_xHHHH_` escapes decoded in text.
 */

import { SaxesParser } from "saxes";

export interface XmlHandlers {
	open(name: string, attributes: Readonly<Record<string, string>>): void;
	close(name: string): void;
	text(text: string): void;
}

const localName = (name: string): string => {
	const colon = name.indexOf(":");
	return colon === -1 ? name : name.slice(colon + 1);
};

/** The attributes with prefixes dropped; the same object when none has one (a sheet's cells never do). */
function unprefixed(attributes: Record<string, string>): Readonly<Record<string, string>> {
	let isPrefixed = false;
	for (const name in attributes) {
		if (name.includes(":")) {
			isPrefixed = true;
			break;
		}
	}
	if (!isPrefixed) return attributes;
	const out: Record<string, string> = {};
	for (const name in attributes) out[localName(name)] = attributes[name]!;
	return out;
}

/**
 * `hasPrefixedAttributes`: whether attribute names may carry a prefix to drop (`r:id` in the
 * workbook); a sheet's cells have none, and checking a million of them costs more than parsing.
 */
export function xmlParser(handlers: XmlHandlers, hasPrefixedAttributes = true): SaxesParser {
	const parser = new SaxesParser({ xmlns: false });
	// A self-closing tag gets its close event from saxes too.
	parser.on("opentag", (tag) => {
		const attributes = tag.attributes as Record<string, string>;
		handlers.open(localName(tag.name), hasPrefixedAttributes ? unprefixed(attributes) : attributes);
	});
	parser.on("closetag", (tag) => handlers.close(localName(tag.name)));
	parser.on("text", handlers.text);
	parser.on("cdata", handlers.text);
	return parser;
}

/** Parses a whole part. Throws (saxes' error) on malformed XML. */
export function parseXml(text: string, handlers: XmlHandlers): void {
	xmlParser(handlers).write(text).close();
}

/** OOXML writes characters XML cannot hold (and some it can) as `_x000D_`. */
export function unescapeOoxml(text: string): string {
	if (!text.includes("_x")) return text;
	return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
		String.fromCharCode(Number.parseInt(hex, 16)),
	);
}
