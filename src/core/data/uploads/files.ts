/**
 * The files of an upload by name: loose files and folders as given, zips expanded under
 * their own folder with the zip limits (file count and uncompressed size are checked before
 * anything is inflated; names that leave the archive reject it). A bad zip is one issue; the
 * rest of the upload is kept.
 */
import { unsafeNameReason, unzipFiles, ZipError } from "../../io/zip.js";
import type { IssueList } from "./issues.js";
import { dirname, extension, normalizePath } from "./paths.js";
import type { UploadFile, UploadLimits } from "./types.js";

export const ANNOTATION_EXTENSIONS = ["csv", "tsv", "jsonl", "ndjson", "json"];

/** Folders that zip tools and operating systems add and nobody means to upload. */
function isJunk(path: string): boolean {
  return path.split("/").some((part) => part === "__MACOSX" || part === ".DS_Store" || part.startsWith("._"));
}

export function expandUploadFiles(
  files: readonly UploadFile[],
  limits: Pick<UploadLimits, "maxZipFiles" | "maxZipBytes">,
  issues: IssueList,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const add = (name: string, bytes: Uint8Array, from: string) => {
    const problem = unsafeNameReason(name);
    const path = problem ? undefined : normalizePath(name);
    if (path === undefined || path === "") {
      issues.error("bad-file", { file: from }, `unsafe file name "${name}": ${problem ?? "empty"} (ignored)`);
      return;
    }
    if (isJunk(path)) return;
    if (out.has(path))
      issues.warning("duplicate", { file: path }, "the same file name appears twice; the last is used");
    out.set(path, bytes);
  };
  for (const file of files) {
    if (extension(file.name) !== "zip") {
      add(file.name, file.bytes, file.name);
      continue;
    }
    let entries: Map<string, Uint8Array>;
    try {
      entries = unzipFiles(file.bytes, { maxFiles: limits.maxZipFiles, maxTotalBytes: limits.maxZipBytes });
    } catch (e) {
      if (!(e instanceof ZipError)) throw e;
      issues.error("bad-file", { file: file.name }, `${e.message}; nothing from this zip is used`);
      continue;
    }
    const folder = normalizePath(dirname(file.name)) ?? "";
    for (const [name, bytes] of entries) {
      if (extension(name) === "zip") {
        issues.warning(
          "bad-file",
          { file: `${file.name}/${name}` },
          "zips inside zips are not opened (ignored)",
        );
        continue;
      }
      add(folder === "" ? name : `${folder}/${name}`, bytes, file.name);
    }
  }
  return out;
}
