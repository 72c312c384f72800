/**
 * Winoground (Thrush et al. 2022): JSONL of {id, image_0, image_1, caption_0, caption_1,
 * collapsed_tag, ...}; images are named without extension ("ex_0_img_0", found as .png).
 * With s(c, i) the similarity of caption c and image i, per example:
 *   text score:  s(c0, i0) > s(c1, i0) and s(c1, i1) > s(c0, i1)
 *   image score: s(c0, i0) > s(c0, i1) and s(c1, i1) > s(c1, i0)
 *   group score: both.
 * Reported overall and per collapsed_tag (Object, Relation, Both).
 */
import { IssueList } from "../../data/uploads/issues.js";
import { RowError } from "../../data/uploads/records.js";
import { collectCases, jsonlEntries, text } from "./entries.js";
import type { BenchmarkCase, CaseSims, ImportedScores, Importer, SubsetScores } from "./types.js";

/** sims[i][c] = s(caption c, image i). */
export function winogroundCorrect(sims: CaseSims): { text: boolean; image: boolean; group: boolean } {
  const s = (c: number, i: number) => sims[i][c];
  const textOk = s(0, 0) > s(1, 0) && s(1, 1) > s(0, 1);
  const imageOk = s(0, 0) > s(0, 1) && s(1, 1) > s(1, 0);
  return { text: textOk, image: imageOk, group: textOk && imageOk };
}

export function scoreWinoground(cases: readonly BenchmarkCase[], sims: readonly CaseSims[]): ImportedScores {
  if (sims.length !== cases.length)
    throw new Error(`${cases.length} cases but ${sims.length} similarity sets`);
  const totals = new Map<string, { n: number; text: number; image: number; group: number }>();
  const all = { n: 0, text: 0, image: 0, group: 0 };
  cases.forEach((c, k) => {
    const ok = winogroundCorrect(sims[k]);
    const t = totals.get(c.subset) ?? { n: 0, text: 0, image: 0, group: 0 };
    for (const tally of [t, all]) {
      tally.n += 1;
      tally.text += Number(ok.text);
      tally.image += Number(ok.image);
      tally.group += Number(ok.group);
    }
    totals.set(c.subset, t);
  });
  const perSubset: Record<string, SubsetScores> = {};
  for (const [subset, t] of totals)
    perSubset[subset] = { n: t.n, text: t.text / t.n, image: t.image / t.n, group: t.group / t.n };
  const rate = (count: number) => (all.n === 0 ? null : count / all.n);
  return { scores: { text: rate(all.text), image: rate(all.image), group: rate(all.group) }, perSubset };
}

export const winoground: Importer = {
  name: "winoground",
  describe: 'JSONL of {"image_0", "image_1", "caption_0", "caption_1", "collapsed_tag"}',
  parse(file) {
    const issues = new IssueList();
    return collectCases(jsonlEntries(file, issues), issues, (record, at) => {
      const r = record as Record<string, unknown>;
      const tag = r.collapsed_tag ?? "all";
      if (typeof tag !== "string") throw new RowError("must be a string", "collapsed_tag");
      return {
        subset: tag,
        images: [{ name: text(r, "image_0") }, { name: text(r, "image_1") }],
        texts: [text(r, "caption_0"), text(r, "caption_1")],
        at,
      };
    });
  },
  score: scoreWinoground,
};
