import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { objectives } from "../../core/losses/registry.js";
import type { StepEvent } from "../../worker/trainingApi.js";
import { lossSeries } from "./LossChart.js";
import { ObjectiveCharts } from "./ObjectiveCharts.js";
import {
  inferUnit,
  isCommonChartTerm,
  OBJECTIVE_CHARTS,
  OTHER_TERMS_CHART_ID,
  resolveObjectiveCharts,
  seriesByUnit,
} from "./objectiveChartRegistry.js";

const CECLIP_TERMS = ["itcI2t", "itcT2i", "itc", "cmr", "imc", "theta_0", "gap_0", "violationRate_0"];
const DEGLA_TERMS = ["baseI2t", "baseT2i", "base", "tgc", "igc", "distill"];
const FSC_TERMS = ["clip", "negGlobal", "negLocal"];
const IMAGENEG_TERMS = ["imageNeg", "imageNegAccuracy", "imageNegGap"];
const KEYWORD_TERMS = ["keyword", "keywordMap"];

/** chart id -> its series keys */
function layout(objective: string | undefined, terms: string[]): Record<string, string[]> {
  return Object.fromEntries(
    resolveObjectiveCharts(objective, terms).map((c) => [c.id, c.series.map((s) => s.key)]),
  );
}

describe("objective chart registry", () => {
  it("maps each objective's terms to its charts; I2t/T2i halves fall into Other terms", () => {
    expect(layout("ceclip", CECLIP_TERMS)).toEqual({ [OTHER_TERMS_CHART_ID]: ["itcI2t", "itcT2i"] });
    expect(layout("degla", DEGLA_TERMS)).toEqual({
      degla: ["distill", "igc", "tgc"],
      [OTHER_TERMS_CHART_ID]: ["baseI2t", "baseT2i"],
    });
    expect(layout("fscclip", FSC_TERMS)).toEqual({ fscclip: ["negGlobal", "negLocal", "clip"] });
  });

  it("adds the augmentations' charts to any base objective, by name or by logged term", () => {
    const terms = [...FSC_TERMS, ...IMAGENEG_TERMS, ...KEYWORD_TERMS];
    expect(layout("fscclip+imageneg+keywords", terms)).toEqual({
      fscclip: ["negGlobal", "negLocal", "clip"],
      imageneg: ["imageNeg", "imageNegAccuracy", "imageNegGap"],
      keywords: ["keyword", "keywordMap"],
    });
    // Before the first step the objective's name alone shows its (empty) charts.
    expect(layout("negclip+keywords", [])).toEqual({ keywords: [] });
    // Terms alone (e.g. a restored history whose config is unknown) are enough too.
    expect(layout(undefined, ["imageNegAccuracy"])).toEqual({ imageneg: ["imageNegAccuracy"] });
  });

  it("picks up terms by prefix (teacher drift, keyword hit rate, local scores)", () => {
    const charts = resolveObjectiveCharts("degla+keywords", [
      ...DEGLA_TERMS,
      "teacherDrift",
      "teacherDriftText",
      "keyword",
      "keywordHitRate",
    ]);
    const degla = charts.find((c) => c.id === "degla")!;
    expect(degla.series.map((s) => [s.key, s.unit])).toEqual([
      ["distill", "distance"],
      ["igc", "loss"],
      ["tgc", "loss"],
      ["teacherDrift", "distance"],
      ["teacherDriftText", "distance"],
    ]);
    const keywords = charts.find((c) => c.id === "keywords")!;
    expect(keywords.series.map((s) => [s.key, s.label, s.unit])).toEqual([
      ["keyword", "keyword loss", "loss"],
      ["keywordHitRate", "keyword hit rate", "rate"],
    ]);
    expect(layout("fscclip", [...FSC_TERMS, "localScorePos", "localScoreNeg"]).fscclip).toEqual([
      "negGlobal",
      "negLocal",
      "clip",
      "localScorePos",
      "localScoreNeg",
    ]);
  });

  it("shows an unknown term somewhere: a loss-like one in the loss chart, any other in Other terms", () => {
    expect(lossSeries(["mystery"]).map((s) => s.key)).toEqual(["loss", "mystery"]);
    expect(layout("ceclip", ["mystery", "fooAccuracy", "barGap", "odd_3"])).toEqual({
      [OTHER_TERMS_CHART_ID]: ["fooAccuracy", "barGap", "odd_3"],
    });
  });

  it("keeps accuracies, gaps and drifts out of the loss chart, but not the distillation loss", () => {
    const terms = [...FSC_TERMS, ...IMAGENEG_TERMS, ...KEYWORD_TERMS, "distill", "teacherDrift"];
    expect(lossSeries(terms).map((s) => s.key)).toEqual([
      "loss",
      "clip",
      "negGlobal",
      "negLocal",
      "imageNeg",
      "keyword",
      "distill",
    ]);
  });

  it("shows every term of every registered objective in some chart", () => {
    const logged = [...CECLIP_TERMS, ...DEGLA_TERMS, ...FSC_TERMS, ...IMAGENEG_TERMS, ...KEYWORD_TERMS];
    for (const name of Object.keys(objectives)) {
      const shown = new Set(resolveObjectiveCharts(name, logged).flatMap((c) => c.series.map((s) => s.key)));
      for (const term of logged)
        expect(shown.has(term) || isCommonChartTerm(term), `${name}: ${term}`).toBe(true);
    }
  });

  it("has unique chart ids and each entry names at least one objective part", () => {
    const ids = OBJECTIVE_CHARTS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(OTHER_TERMS_CHART_ID);
    for (const c of OBJECTIVE_CHARTS) expect(c.objectives.length).toBeGreaterThan(0);
  });

  it("infers units from names and groups series one plot per unit", () => {
    expect(["xAccuracy", "violationRate_2", "keywordMap", "hitRate"].map(inferUnit)).toEqual([
      "rate",
      "rate",
      "rate",
      "rate",
    ]);
    expect(["imageNegGap", "localScore", "itc", "studentDrift", "weird"].map(inferUnit)).toEqual([
      "logit",
      "logit",
      "loss",
      "distance",
      "value",
    ]);
    const groups = seriesByUnit([
      { key: "a", label: "a", unit: "rate" },
      { key: "b", label: "b", unit: "loss" },
      { key: "c", label: "c", unit: "rate" },
      { key: "d", label: "d", unit: "distance" },
    ]);
    expect(groups.map((g) => [g.unit, g.series.map((s) => s.key)])).toEqual([
      ["loss", ["b"]],
      ["distance", ["d"]],
      ["rate", ["a", "c"]],
    ]);
  });
});

describe("ObjectiveCharts (server render)", () => {
  const history: StepEvent[] = Array.from({ length: 50 }, (_, step) => ({
    step,
    epoch: 0,
    lr: 1e-3,
    loss: 2,
    gradNorm: 1,
    logitScale: 14,
    applied: true,
    msPerStep: 10,
    examplesPerSecond: 100,
    numTensors: 10,
    numBytes: 100,
    terms: {
      baseI2t: 1,
      baseT2i: 1,
      base: 1,
      tgc: 0.5,
      igc: 0.4,
      distill: 0.01 * step,
      imageNegAccuracy: 0.5,
    },
  }));

  it("renders the objective's charts and Other terms with their test ids", () => {
    const html = renderToString(createElement(ObjectiveCharts, { history, objective: "degla+imageneg" }));
    for (const id of ["degla", "imageneg", OTHER_TERMS_CHART_ID])
      expect(html).toContain(`data-testid="chart-${id}"`);
    expect(html).toContain("DeGLA: distillation and grounded contrast");
    expect(html).not.toContain('data-testid="chart-keywords"');
  });

  it("renders nothing for an objective whose terms the common charts cover", () => {
    expect(renderToString(createElement(ObjectiveCharts, { history: [], objective: "clip" }))).toBe("");
  });
});
