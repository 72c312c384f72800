import { AUGMENTATION_SEPARATOR } from "../../core/losses/augmented.js";

/**
 * Charts of one objective's own terms, shown next to the common charts (loss, thresholds,
 * violations, evaluation, optimisation). A new objective adds one entry to
 * `OBJECTIVE_CHARTS`; any logged term that no chart shows lands in the "Other terms" chart,
 * so nothing logged is invisible.
 */

/** How a term is drawn: series of one unit share a plot (different units get their own). */
export type TermUnit = "loss" | "rate" | "logit" | "distance" | "value";

export interface TermPattern {
  /** A term name, or a prefix ending in "*" ("teacherDrift*" matches teacherDrift, teacherDriftText...). */
  match: string;
  /** Label of an exact match (prefix matches are labelled from their name). */
  label?: string;
  /** Default: inferred from the name (`inferUnit`). */
  unit?: TermUnit;
  /** A summand of the total loss, drawn in the loss chart too (default: unit "loss"). */
  lossTerm?: boolean;
}

export interface ObjectiveChartSpec {
  /** Test id `chart-<id>` and download file names. */
  id: string;
  title: string;
  description: string;
  /**
   * Objective names, or augmentation keys after "+", whose runs show this chart even before
   * any step ("ceclip+imageneg" shows the "imageneg" charts).
   */
  objectives: readonly string[];
  /** Terms drawn, in this order; the first pattern a term matches decides its label and unit. */
  terms: readonly TermPattern[];
}

export const OBJECTIVE_CHARTS: readonly ObjectiveChartSpec[] = [
  {
    id: "fscclip",
    title: "FSC-CLIP: global and local hard negatives",
    description:
      "The calibrated hard-negative losses over whole-caption (global) and token-level (local) scores, next to the CLIP loss on true pairs; local scores when logged.",
    objectives: ["fscclip"],
    terms: [
      { match: "negGlobal", label: "global hard-negative loss", unit: "loss" },
      { match: "negLocal", label: "local (token-level) hard-negative loss", unit: "loss" },
      { match: "clip", label: "CLIP loss (true pairs)", unit: "loss" },
      { match: "localScore*", unit: "logit" },
      { match: "localGap*", unit: "logit" },
    ],
  },
  {
    id: "degla",
    title: "DeGLA: distillation and grounded contrast",
    description:
      "Distillation distance to the EMA teacher (how far the student drifted from its slow copy), the image- and text-grounded contrast terms, and the teacher's drift when logged.",
    objectives: ["degla"],
    terms: [
      { match: "distill", label: "distillation to the EMA teacher", unit: "distance", lossTerm: true },
      { match: "igc", label: "image-grounded contrast", unit: "loss" },
      { match: "tgc", label: "text-grounded contrast", unit: "loss" },
      { match: "teacherDrift*", unit: "distance" },
    ],
  },
  {
    id: "imageneg",
    title: "Image-side negatives",
    description:
      "Text-to-image contrast against each image's edited copy (patch tokens replaced by visual-dictionary prototypes): its loss, the share of captions that prefer their true image, and the mean logit gap.",
    objectives: ["imageneg"],
    terms: [
      { match: "imageNeg", label: "image-negative loss", unit: "loss" },
      { match: "imageNegAccuracy", label: "caption prefers the true image", unit: "rate" },
      { match: "imageNegGap", label: "true − edited image (logit)", unit: "logit" },
      { match: "imageNeg*" },
    ],
  },
  {
    id: "keywords",
    title: "Keyword supervision",
    description:
      "The multi-label keyword head on the image embedding: its loss and how well it ranks the caption's keywords (mean average precision, hit rates when logged).",
    objectives: ["keywords"],
    terms: [
      { match: "keyword", label: "keyword loss", unit: "loss" },
      { match: "keywordMap", label: "keyword mean average precision", unit: "rate" },
      { match: "keyword*" },
    ],
  },
];

/** Per-type diagnostics `name_k` and the I2t/T2i halves are not loss-chart series. */
const PER_TYPE = /_\d+$/;
const HALVES = /(I2t|T2i)$/;

/** A unit from a term's name: accuracies, rates and precisions are shares in [0, 1]. */
export function inferUnit(name: string): TermUnit {
  if (/(accuracy|rate|hits?|precision|recall|map)(_\d+)?$/i.test(name) || /(Accuracy|Rate|Hit)/.test(name))
    return "rate";
  if (/(gap|score|margin|logit|theta)/i.test(name)) return "logit";
  if (/(drift|distance|distill)/i.test(name)) return "distance";
  if (/(loss|^itc|^cmr|^imc)/i.test(name)) return "loss";
  return "value";
}

/** "imageNegAccuracy" -> "image neg accuracy". */
export function termLabel(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
}

function patternMatches(pattern: TermPattern, name: string): boolean {
  return pattern.match.endsWith("*") ? name.startsWith(pattern.match.slice(0, -1)) : name === pattern.match;
}

/** The pattern of a chart that claims a term: an exact match wins over a prefix. */
function claimingPattern(spec: ObjectiveChartSpec, name: string): TermPattern | undefined {
  return (
    spec.terms.find((p) => !p.match.endsWith("*") && p.match === name) ??
    spec.terms.find((p) => patternMatches(p, name))
  );
}

/** Unit of a term: what a registry chart says, else inferred from its name. */
export function termUnit(name: string): TermUnit {
  for (const spec of OBJECTIVE_CHARTS) {
    const unit = claimingPattern(spec, name)?.unit;
    if (unit) return unit;
  }
  return inferUnit(name);
}

/**
 * Whether a term is a loss-chart series: a plain name (not `name_k`, not an I2t/T2i half)
 * that a registry chart calls a loss term, else whose name reads as a loss or as nothing
 * in particular. Accuracies, gaps and drifts have their own charts.
 */
export function isLossChartTerm(name: string): boolean {
  if (PER_TYPE.test(name) || HALVES.test(name)) return false;
  for (const spec of OBJECTIVE_CHARTS) {
    const pattern = claimingPattern(spec, name);
    if (pattern) return pattern.lossTerm ?? (pattern.unit ?? inferUnit(name)) === "loss";
  }
  const unit = inferUnit(name);
  return unit === "loss" || unit === "value";
}

/** Terms the common charts draw: the loss chart's terms, CE-CLIP's theta_k, gap_k and violationRate_k. */
export function isCommonChartTerm(name: string): boolean {
  return isLossChartTerm(name) || /^(theta|gap|violationRate)_\d+$/.test(name);
}

export interface TermSeries {
  key: string;
  label: string;
  unit: TermUnit;
}

export interface ResolvedChart {
  id: string;
  title: string;
  description: string;
  series: TermSeries[];
}

/** The base name and augmentation keys of an objective name ("ceclip+imageneg" -> ceclip, imageneg). */
export function objectiveParts(objective: string | undefined): string[] {
  return objective ? objective.split(AUGMENTATION_SEPARATOR).filter(Boolean) : [];
}

export const OTHER_TERMS_CHART_ID = "other-terms";

/**
 * The objective-specific charts for a run: every registry chart whose objective is part of
 * `objective` or that claims one of the logged terms (series: its terms that were logged,
 * in registry order), then "Other terms" with every logged term that neither the common
 * charts nor these charts draw.
 */
export function resolveObjectiveCharts(
  objective: string | undefined,
  termNames: readonly string[],
): ResolvedChart[] {
  const parts = objectiveParts(objective);
  const shown = new Set<string>();
  const charts: ResolvedChart[] = [];
  for (const spec of OBJECTIVE_CHARTS) {
    const claimed = termNames.filter((name) => claimingPattern(spec, name));
    if (claimed.length === 0 && !spec.objectives.some((o) => parts.includes(o))) continue;
    const order = (name: string) => spec.terms.indexOf(claimingPattern(spec, name)!);
    const series = [...claimed]
      .sort((a, b) => order(a) - order(b))
      .map((name) => {
        const pattern = claimingPattern(spec, name)!;
        shown.add(name);
        return {
          key: name,
          label: (pattern.match === name && pattern.label) || termLabel(name),
          unit: pattern.unit ?? inferUnit(name),
        };
      });
    charts.push({ id: spec.id, title: spec.title, description: spec.description, series });
  }
  const others = termNames.filter((name) => !shown.has(name) && !isCommonChartTerm(name));
  if (others.length > 0) {
    charts.push({
      id: OTHER_TERMS_CHART_ID,
      title: "Other terms",
      description: "Every logged term that no other chart draws (so nothing logged is invisible).",
      series: others.map((name) => ({ key: name, label: termLabel(name), unit: termUnit(name) })),
    });
  }
  return charts;
}

const UNIT_ORDER: readonly TermUnit[] = ["loss", "distance", "rate", "logit", "value"];

/** A chart's series grouped into one plot per unit, in a fixed unit order. */
export function seriesByUnit(series: readonly TermSeries[]): { unit: TermUnit; series: TermSeries[] }[] {
  return UNIT_ORDER.map((unit) => ({ unit, series: series.filter((s) => s.unit === unit) })).filter(
    (g) => g.series.length > 0,
  );
}
