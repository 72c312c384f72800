/**
 * VL-CheckList (Zhao et al. 2022): one JSON file per corpus and type (Attribute/color/vg,
 * Relation/action/swig, ...), a list of `[image_path, {"POS": [...], "NEG": [...]}]`. Its
 * ITC protocol compares the first positive with the first negative: correct when
 * sim(image, POS[0]) > sim(image, NEG[0]). Accuracy per file and mean.
 */
import { IssueList } from "../../data/uploads/issues.js";
import { RowError } from "../../data/uploads/records.js";
import { collectCases, isRecord, jsonEntries } from "./entries.js";
import { accuracyBySubset } from "./pairwise.js";
import type { Importer } from "./types.js";

function firstText(texts: Record<string, unknown>, field: "POS" | "NEG"): string {
  const list = texts[field];
  if (!Array.isArray(list) || list.length === 0 || typeof list[0] !== "string" || list[0].trim() === "")
    throw new RowError("must be a non-empty list of texts", field);
  return list[0];
}

export const vlChecklist: Importer = {
  name: "vl-checklist",
  describe: 'a list of ["<image path>", {"POS": ["true text", ...], "NEG": ["false text", ...]}]',
  parse(file, { subset }) {
    const issues = new IssueList();
    return collectCases(jsonEntries(file, "list", issues), issues, (record, at) => {
      if (
        !Array.isArray(record) ||
        record.length < 2 ||
        typeof record[0] !== "string" ||
        !isRecord(record[1])
      )
        throw new RowError('must be ["<image path>", {"POS": [...], "NEG": [...]}]');
      return {
        subset,
        images: [{ name: record[0] }],
        texts: [firstText(record[1], "POS"), firstText(record[1], "NEG")],
        at,
      };
    });
  },
  score: accuracyBySubset,
};
