/**
 * An external_id as a tool that re-typed it may have left it: in its compatibility form (full-width
 * digits typed through an IME), trimmed, without a leading apostrophe, lower-cased; a whole number
 * without its thousands separators (`900,000`, `900.000`, `900 000`: a number format), its `.0` or
 * or `,0` (a locale's decimal comma), its trailing `.` (a script that read it as a number) and its
 * leading zeros; without quotes
 * around it, its dashes all one (`–` for `-`: a word processor's autocorrect).
 */
export function idShape(id: string): string {
	let shape = id
		.normalize("NFKC")
		.replace(/[\u2010-\u2015\u2212]/g, "-")
		.trim();
	const quoted = /^["\u201c\u201d'\u2018\u2019](.*)["\u201c\u201d'\u2018\u2019]$/.exec(shape);
	if (quoted) shape = quoted[1]!.trim();
	if (shape.startsWith("'")) shape = shape.slice(1).trim();
	// `+4915005` read by Excel as the number 4915005 (adversarial finding T12).
	if (/^\+\d/.test(shape)) shape = shape.slice(1);
	shape = shape.toLowerCase();
	const grouped = /^(\d{1,3}(?:([,. \u00a0'])\d{3})(?:\2\d{3})*)(?:[.,]0*)?$/.exec(shape);
	if (grouped) shape = grouped[1]!.replaceAll(grouped[2]!, "");
	// `900000.0`, `900000,0` (a decimal comma), `5000.`.
	const whole = /^(\d+)[.,]0*$/.exec(shape);
	if (whole) shape = whole[1]!;
	if (/^\d+$/.test(shape)) shape = shape.replace(/^0+(?=\d)/, "");
	return shape;
}
