/**
 * SugarCrepe (Hsieh et al. 2023): one JSON file per subset (add_att, replace_rel, swap_obj,
 * ...), `{id: {filename, caption, negative_caption}}` over COCO val2017 images. Accuracy:
 * sim(image, caption) > sim(image, negative_caption), a tie is wrong; per subset and mean.
 */
import { IssueList } from "../../data/uploads/issues.js";
import { collectCases, jsonEntries, text } from "./entries.js";
import { accuracyBySubset } from "./pairwise.js";
import type { Importer } from "./types.js";

export const sugarcrepe: Importer = {
  name: "sugarcrepe",
  describe: 'one subset file: {"<id>": {"filename", "caption", "negative_caption"}}',
  parse(file, { subset }) {
    const issues = new IssueList();
    return collectCases(jsonEntries(file, "object", issues), issues, (record, at) => {
      const r = record as Record<string, unknown>;
      return {
        subset,
        images: [{ name: text(r, "filename") }],
        texts: [text(r, "caption"), text(r, "negative_caption")],
        at,
      };
    });
  },
  score: accuracyBySubset,
};
