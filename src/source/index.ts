export { MAX_RECORD_CHARS } from "./csv-rows.js";
export { formatProblem, type Problem } from "./problem.js";
export { readRecords, SourceFileError } from "./read-records.js";
export {
	CUSTOMER_STATUSES,
	ONBOARDING_PHASES,
	ONBOARDING_STATES,
} from "./schema.js";
export { type SourceCheck, type SourceFiles, type ValidateOptions, validateSources } from "./validate.js";
