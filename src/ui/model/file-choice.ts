/**
 * A name chosen (or a path typed) on the file step, as the wizard action it leads to: the file,
 * a missing file, or, for a workbook named without a sheet, the question which sheet.
 */

import { basename } from "node:path";
import type { PassName } from "../../model/records.js";
import { splitSheet } from "../../source/workbook-path.js";
import type { UiServices } from "../services.js";
import { isFile, joinFolder, resolveTyped } from "./files.js";
import type { WizardAction } from "./wizard-state.js";

export async function fileChoiceAction(
	pass: PassName,
	nameOrPath: string | undefined,
	listed: readonly string[],
	folder: string,
	services: Pick<UiServices, "listSheets">,
): Promise<WizardAction> {
	if (nameOrPath === undefined) return { type: "file-chosen", pass, path: undefined };
	const path = listed.includes(nameOrPath)
		? joinFolder(folder, nameOrPath)
		: resolveTyped(folder, nameOrPath);
	if (!(await isFile(path))) return { type: "file-missing", pass, path };
	const { file, sheet, isWorkbook } = splitSheet(path);
	if (!isWorkbook || sheet !== undefined) return { type: "file-chosen", pass, path };
	try {
		const sheets = await services.listSheets(file);
		return { type: "sheets-read", pass, file, sheets };
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return { type: "file-refused", pass, error: `${basename(file)}: ${reason}` };
	}
}
