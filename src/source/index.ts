export { MAX_RECORD_CHARS } from "./csv-rows.js";
export {
	DELIMITERS,
	type Delimiter,
	delimiterFromOption,
	delimiterLabel,
	detectDelimiter,
} from "./delimiter.js";
export { encodingFromName } from "./encoding.js";
export { describeFormat, type FileFormat } from "./file-format.js";
export {
	type ColumnSource,
	loadMap,
	type MapLoad,
	type MapSection,
	type MapSections,
	parseMap,
	type SourceMap,
} from "./map-file.js";
export { formatProblem, type Problem } from "./problem.js";
export { readRecords, SourceFileError } from "./read-records.js";
export {
	CUSTOMER_STATUSES,
	ONBOARDING_PHASES,
	ONBOARDING_STATES,
} from "./schema.js";
export { mapFingerprints, readSettings, type SourceOptions, sectionFingerprint } from "./source-options.js";
export { type SourceCheck, type SourceFiles, type ValidateOptions, validateSources } from "./validate.js";
