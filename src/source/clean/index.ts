/** Cleaning: how cells are read the same way by the CLI, the wizard and the library. */
export { isCurrencyCode, magnitudeSuffix } from "./currency.js";
export { hostOf } from "./domain.js";
export { cleanEmail } from "./email.js";
export { isExcelError, UNCALCULATED } from "./excel-errors.js";
export { describeFooter, looksLikeFooterRow, MAX_FOOTER_ROWS, type SkippedFooter } from "./footer.js";
export { splitLabels } from "./labels.js";
export { type MoneyUnit, parseMoney, parseWhole, type ReadNumber, readNumber } from "./numbers.js";
export { trimCell, trimRow, unwrapExcelText } from "./trim.js";
export { moneyUnit, UNIT_NAMES } from "./units.js";
