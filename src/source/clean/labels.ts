/** Labels cell → list: split on `;`, `,` or `|` (what CRMs and hand-kept sheets write), trimmed, empty pieces and repeats dropped. */
export function splitLabels(value: string): string[] {
	const labels: string[] = [];
	for (const piece of value.split(/[;,|]/)) {
		const label = piece.trim();
		if (label.length > 0 && !labels.includes(label)) labels.push(label);
	}
	return labels;
}
