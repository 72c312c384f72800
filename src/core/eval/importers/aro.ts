/**
 * ARO's VG-Relation and VG-Attribution (Yuksekgonul et al. 2023): a JSON list of
 * {image_path, bbox_x, bbox_y, bbox_w, bbox_h (or bbox: [x, y, w, h]), true_caption,
 * false_caption} plus `relation_name` or `attributes: [a, b]`. The image is cropped to the
 * box, and the score is macro accuracy over relations or attribute pairs, as the ARO
 * repository computes it: VG-Relation leaves out its list of symmetric relations (the
 * notebook "Replicate ARO! VG-Relation, VG-Attribution"), VG-Attribution pairs seen fewer
 * than 25 times (VG_Attribution.evaluate_scores). Every group is listed per subset.
 */
import { IssueList } from "../../data/uploads/issues.js";
import { RowError } from "../../data/uploads/records.js";
import { collectCases, jsonEntries, number, text } from "./entries.js";
import { mean, tallyBySubset } from "./pairwise.js";
import type { BenchmarkCase, CaseSims, CropBox, ImportedScores, Importer, SubsetScores } from "./types.js";

/** Relations the ARO authors leave out of VG-Relation's macro accuracy. */
export const ARO_SYMMETRIC_RELATIONS: ReadonlySet<string> = new Set(
  (
    "adjusting|attached to|between|bigger than|biting|boarding|brushing|chewing|cleaning|climbing|close to|" +
    "coming from|coming out of|contain|crossing|dragging|draped over|drinking|drinking from|driving|" +
    "driving down|driving on|eating from|eating in|enclosing|exiting|facing|filled with|floating in|" +
    "floating on|flying|flying above|flying in|flying over|flying through|full of|going down|going into|" +
    "going through|grazing in|growing in|growing on|guiding|hanging from|hanging in|hanging off|" +
    "hanging over|higher than|holding onto|hugging|in between|jumping off|jumping on|jumping over|kept in|" +
    "larger than|leading|leaning over|leaving|licking|longer than|looking in|looking into|looking out|" +
    "looking over|looking through|lying next to|lying on top of|making|mixed with|mounted on|moving|" +
    "on the back of|on the edge of|on the front of|on the other side of|opening|painted on|parked at|" +
    "parked beside|parked by|parked in|parked in front of|parked near|parked next to|perched on|petting|" +
    "piled on|playing|playing in|playing on|playing with|pouring|reaching for|reading|reflected on|" +
    "riding on|running in|running on|running through|seen through|sitting behind|sitting beside|" +
    "sitting by|sitting in front of|sitting near|sitting next to|sitting under|skiing down|skiing on|" +
    "sleeping in|sleeping on|smiling at|sniffing|splashing|sprinkled on|stacked on|standing against|" +
    "standing around|standing behind|standing beside|standing in front of|standing near|standing next to|" +
    "staring at|stuck in|surrounding|swimming in|swinging|talking to|topped with|touching|traveling down|" +
    "traveling on|tying|typing on|underneath|wading in|waiting for|walking across|walking by|walking down|" +
    "walking next to|walking through|working in|working on|worn on|wrapped around|wrapped in|by|of|near|" +
    "next to|with|beside|on the side of|around"
  ).split("|"),
);

/** The ARO repository's minimum count for an attribute pair to enter the macro accuracy. */
export const ARO_ATTRIBUTION_MIN_COUNT = 25;

function cropOf(r: Record<string, unknown>): CropBox {
  if (Array.isArray(r.bbox)) {
    const [x, y, width, height] = r.bbox;
    if (
      r.bbox.length !== 4 ||
      ![x, y, width, height].every((v) => typeof v === "number" && Number.isFinite(v))
    )
      throw new RowError("must be [x, y, width, height] numbers", "bbox");
    return { x, y, width, height };
  }
  return {
    x: number(r, "bbox_x"),
    y: number(r, "bbox_y"),
    width: number(r, "bbox_w"),
    height: number(r, "bbox_h"),
  };
}

function groupOf(r: Record<string, unknown>, kind: "relation" | "attribution"): string {
  if (kind === "relation") return text(r, "relation_name");
  const attributes = r.attributes;
  if (
    !Array.isArray(attributes) ||
    attributes.length !== 2 ||
    !attributes.every((a) => typeof a === "string")
  )
    throw new RowError('must be a pair of attribute names like ["white", "black"]', "attributes");
  return `${attributes[0]}_${attributes[1]}`;
}

export interface AroScoreOptions {
  /** Groups left out of the macro accuracy (default: the symmetric relations for VG-Relation). */
  excluded?: ReadonlySet<string>;
  /** Groups with fewer tests are left out of the macro accuracy (default 1, 25 for VG-Attribution). */
  minCount?: number;
}

/** Macro accuracy over groups (relations or attribute pairs) and accuracy over all tests. */
export function scoreAro(
  cases: readonly BenchmarkCase[],
  sims: readonly CaseSims[],
  options: AroScoreOptions = {},
): ImportedScores {
  const { excluded = new Set<string>(), minCount = 1 } = options;
  const perSubset: Record<string, SubsetScores> = {};
  const macro: number[] = [];
  let n = 0;
  let correct = 0;
  for (const [group, t] of tallyBySubset(cases, sims)) {
    const inMacro = !excluded.has(group) && t.n >= minCount;
    perSubset[group] = { n: t.n, accuracy: t.correct / t.n, inMacro };
    if (inMacro) macro.push(t.correct / t.n);
    n += t.n;
    correct += t.correct;
  }
  return {
    scores: { macroAccuracy: mean(macro), accuracy: n === 0 ? null : correct / n, macroGroups: macro.length },
    perSubset,
  };
}

function aroImporter(kind: "relation" | "attribution"): Importer {
  const scoreOptions: AroScoreOptions =
    kind === "relation" ? { excluded: ARO_SYMMETRIC_RELATIONS } : { minCount: ARO_ATTRIBUTION_MIN_COUNT };
  return {
    name: `aro-${kind}`,
    describe: `a list of {"image_path", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "true_caption", "false_caption", ${
      kind === "relation" ? '"relation_name"' : '"attributes": [a, b]'
    }}`,
    parse(file) {
      const issues = new IssueList();
      return collectCases(jsonEntries(file, "list", issues), issues, (record, at) => {
        const r = record as Record<string, unknown>;
        return {
          subset: groupOf(r, kind),
          images: [{ name: text(r, "image_path"), crop: cropOf(r) }],
          texts: [text(r, "true_caption"), text(r, "false_caption")],
          at,
        };
      });
    },
    score: (cases, sims) => scoreAro(cases, sims, scoreOptions),
  };
}

export const aroRelation = aroImporter("relation");
export const aroAttribution = aroImporter("attribution");
