/**
 * VALSE (Parcalabescu et al. 2022): one JSON file per piece (existence, plurals, counting-*,
 * relations, action-replacement, actant-swap, coreference-*, foil-it), `{id: {image_file,
 * caption, foil, mturk: {caption, foil, other}}}`. Only validated foils count: the VALSE
 * authors keep a sample when at least two of three annotators chose the caption
 * (mturk.caption >= 2); samples without mturk votes are kept. Score: pairwise ranking
 * accuracy acc_r, sim(image, caption) > sim(image, foil), per piece and mean.
 */
import { IssueList } from "../../data/uploads/issues.js";
import { RowError } from "../../data/uploads/records.js";
import { collectCases, isRecord, jsonEntries, text } from "./entries.js";
import { accuracyBySubset } from "./pairwise.js";
import type { Importer } from "./types.js";

export const valse: Importer = {
  name: "valse",
  describe: 'one piece file: {"<id>": {"image_file", "caption", "foil", "mturk": {"caption": votes}}}',
  parse(file, { subset }) {
    const issues = new IssueList();
    return collectCases(jsonEntries(file, "object", issues), issues, (record, at) => {
      const r = record as Record<string, unknown>;
      const mturk = r.mturk;
      if (mturk !== undefined && mturk !== null) {
        const votes = isRecord(mturk) ? mturk.caption : undefined;
        if (typeof votes !== "number")
          throw new RowError("must hold the number of caption votes", "mturk.caption");
        if (votes < 2) return null;
      }
      // Older releases list foils in "foils"; the first is the one VALSE scores.
      const foil = r.foil === undefined && Array.isArray(r.foils) ? { foil: r.foils[0] } : r;
      return {
        subset,
        images: [{ name: text(r, "image_file") }],
        texts: [text(r, "caption"), text(foil, "foil")],
        at,
      };
    });
  },
  score: accuracyBySubset,
};
