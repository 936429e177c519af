export { deriveSlug, idTag, SLUG_MAX, slugFromName, toSlugShape, withSuffix } from "./derive-slug.js";
export { FileSlugs } from "./file-slugs.js";
