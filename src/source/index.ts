export { beginFirstRead, type EarlyRead, endEarlyRead } from "./begun-read.js";
export { MAX_RECORD_CHARS } from "./csv-rows.js";
export { checkDateFormat, dateReader } from "./dates.js";
export {
	DELIMITERS,
	type Delimiter,
	delimiterFromOption,
	delimiterLabel,
	detectDelimiter,
} from "./delimiter.js";
export { detectEncoding } from "./detect-encoding.js";
export { encodingFromName } from "./encoding.js";
export { describeFormat, type FileFormat } from "./file-format.js";
export { isOwnHeader } from "./layout.js";
export {
	type ColumnSource,
	loadMap,
	type MapLoad,
	type MapSection,
	type MapSections,
	parseMap,
	type SourceMap,
} from "./map-file.js";
export { enumKey, enumReader } from "./plain-values.js";
export { type PreviewLine, previewBodies } from "./preview.js";
export { formatProblem, type Problem } from "./problem.js";
export { type KnownFromCheck, readRecordBatches, readRecords, SourceFileError } from "./read-records.js";
export { listSheets } from "./rows.js";
export { type DistinctValues, distinctValues, type FileSample, sampleFile } from "./sample.js";
export {
	type ColumnSpec,
	CUSTOMER_STATUSES,
	columnsFor,
	ONBOARDING_PHASES,
	ONBOARDING_STATES,
} from "./schema.js";
export { cellsAtLines, type InvalidRow, type SkipDecision, skipInvalid } from "./skip-invalid.js";
export {
	defaultMapPath,
	mapFingerprints,
	readSettings,
	type SourceOptions,
	sectionFingerprint,
} from "./source-options.js";
export {
	type SourceCheck,
	type SourceFiles,
	type ValidateOptions,
	validateSources,
} from "./validate.js";
export { columnLetters, fileOnDisk, isWorkbookPath, splitSheet } from "./workbook-path.js";
