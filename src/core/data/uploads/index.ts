/**
 * User uploads of image-caption pairs (pure: worker, Node, CLI). `parseUpload` takes the
 * dropped files (zips, folders, CSV/TSV, JSONL, COCO captions JSON and images) and returns
 * items, negative slots and a validation report; `uploadExampleSource` trains on them.
 */
export {
  type DataIssue,
  formatIssue,
  formatLocation,
  type IssueKind,
  IssueList,
  type IssueLocation,
} from "./issues.js";
export { locateJsonEntries } from "./jsonLocate.js";
export { parseUpload, relayoutNegatives } from "./parse.js";
export { basename, extension, IMAGE_EXTENSIONS, NameIndex, normalizePath } from "./paths.js";
export { uploadExampleSource } from "./source.js";
export { decodeText } from "./text.js";
export {
  DEFAULT_UPLOAD_LIMITS,
  type DecodeImage,
  type NegativeOptions,
  type UploadFile,
  type UploadItem,
  type UploadLimits,
  type UploadOptions,
  type UploadResult,
  type UploadSummary,
  type UserNegative,
} from "./types.js";
