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

const localName = (name: string): string => name.slice(name.indexOf(":") + 1);

export function xmlParser(handlers: XmlHandlers): SaxesParser {
	const parser = new SaxesParser({ xmlns: false });
	parser.on("opentag", (tag) => {
		const attributes: Record<string, string> = {};
		for (const [name, value] of Object.entries(tag.attributes as Record<string, string>)) {
			attributes[localName(name)] = value;
		}
		handlers.open(localName(tag.name), attributes);
		// A self-closing tag gets its close event from saxes too.
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
