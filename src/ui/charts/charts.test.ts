import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { EvalRecord } from "../../state/trainingStore.js";
import type { StepEvent } from "../../worker/trainingApi.js";
import { EvalChart, LossChart, OptimChart, ThresholdChart, ViolationChart } from "./index.js";
import { lossSeries } from "./LossChart.js";

const history: StepEvent[] = Array.from({ length: 3000 }, (_, step) => ({
  step,
  epoch: 0,
  lr: 1e-3,
  loss: 3 - step / 3000,
  gradNorm: 1,
  logitScale: 14,
  applied: true,
  msPerStep: 10,
  examplesPerSecond: 100,
  numTensors: 10,
  numBytes: 100,
  terms: {
    itc: 2,
    cmr: 0.5,
    imc: 1,
    theta_0: 1,
    theta_1: 2,
    gap_0: 1,
    gap_1: step % 7 ? 2 : Number.NaN,
    violationRate_0: 0.5,
    violationRate_1: Number.NaN,
  },
}));
const evals: EvalRecord[] = [100, 200].map((step) => ({
  step,
  result: {
    n: 100,
    candidates: 100,
    r1_i2t: 0.3,
    r5_i2t: 0.5,
    r1_t2i: 0.3,
    r5_t2i: 0.5,
    perType: { attributeSwap: 0.6, objectSwap: null },
    perTypeCount: { attributeSwap: 100, objectSwap: 0 },
  },
}));

describe("charts (server render smoke test)", () => {
  it("render a heading and their test id, with data and without", () => {
    const cases = [
      [
        "loss",
        "Loss terms",
        createElement(LossChart, { history }),
        createElement(LossChart, { history: [] }),
      ],
      [
        "thresholds",
        "Adaptive thresholds",
        createElement(ThresholdChart, { history, upperBound: 10 }),
        createElement(ThresholdChart, { history: [] }),
      ],
      [
        "violations",
        "Rank violations",
        createElement(ViolationChart, { history }),
        createElement(ViolationChart, { history: [] }),
      ],
      [
        "eval",
        "Held-out accuracy",
        createElement(EvalChart, { evals }),
        createElement(EvalChart, { evals: [] }),
      ],
      [
        "optim",
        "Optimisation",
        createElement(OptimChart, { history }),
        createElement(OptimChart, { history: [] }),
      ],
    ] as const;
    for (const [id, title, full, empty] of cases) {
      for (const element of [full, empty]) {
        const html = renderToString(element);
        expect(html).toContain(`data-testid="chart-${id}"`);
        expect(html).toContain(title);
      }
    }
  });
});

describe("threshold chart", () => {
  it("says which types the adaptive rule holds at zero, and only then", () => {
    const atChance = history.map((e) => ({ ...e, terms: { ...e.terms, theta_1: 0.1, gap_1: -0.2 } }));
    const held = renderToString(createElement(ThresholdChart, { history: atChance }));
    expect(held).toContain('data-testid="held-at-zero"');
    expect(held).toContain("Held at zero: object swap.");
    expect(renderToString(createElement(ThresholdChart, { history }))).not.toContain("held-at-zero");
  });
});

describe("loss series", () => {
  it("shows the total, CE-CLIP's terms in order, and other objectives' loss terms", () => {
    const keys = (names: string[]) => lossSeries(names).map((s) => s.key);
    expect(keys(["itcI2t", "itcT2i", "itc", "cmr", "imc", "theta_0", "gap_0", "violationRate_0"])).toEqual([
      "loss",
      "itc",
      "cmr",
      "imc",
    ]);
    expect(keys(["baseI2t", "baseT2i", "base", "tgc", "igc", "distill"])).toEqual([
      "loss",
      "base",
      "tgc",
      "igc",
      "distill",
    ]);
    expect(keys([])).toEqual(["loss"]);
  });
});
