import { describe, expect, it } from "vitest";
import type { SampleEvaluation, SampleRow } from "../../worker/samplesApi.js";
import {
  marginHistory,
  pairMargin,
  scoreRows,
  selectRows,
  sparklinePoints,
  upsertEvaluation,
  violation,
} from "./samplesLogic.js";

const TYPES = ["attributeSwap", "objectSwap", "attributeReplace", "relationReplace"];

function row(index: number, mask: number[], split: "heldout" | "train" = "heldout"): SampleRow {
  return {
    id: `${split}-0-${index}`,
    split,
    seed: 0,
    index,
    caption: `caption ${index}`,
    negatives: mask.map((m, k) => (m ? `negative ${index}.${k}` : "")),
    mask,
    thumbnail: "data:image/png;base64,",
  };
}

const rows = [row(0, [1, 1, 1, 1]), row(1, [1, 0, 1, 0]), row(2, [0, 0, 1, 0], "train")];

function evaluation(step: number, thetas: number[] | null, shift = 0): SampleEvaluation {
  return {
    run: 1,
    step,
    logitScale: 10,
    thetas,
    positive: [0.3 + shift, 0.25 + shift, 0.2 + shift],
    negatives: [
      [0.2, 0.31, 0.1, 0.28],
      [0.24, null, 0.05, null],
      [null, null, 0.19, null],
    ],
  };
}

describe("margins and violations", () => {
  it("margin is s * (pos - neg) in logits", () => {
    expect(pairMargin(10, 0.3, 0.2)).toBeCloseTo(1, 10);
  });

  it("violated when the margin is below the threshold; hinge is the shortfall", () => {
    expect(violation(0.5, 1)).toEqual({ violated: true, hinge: 0.5 });
    expect(violation(1.5, 1)).toEqual({ violated: false, hinge: 0 });
    expect(violation(1, 1)).toEqual({ violated: false, hinge: 0 });
    expect(violation(-0.2, 0).violated).toBe(true);
  });

  it("scores only valid negatives, with CE-CLIP thresholds when present", () => {
    const scored = scoreRows(rows, TYPES, evaluation(10, [0.5, 0.5, 1.5, 0.5]));
    expect(scored.map((r) => r.negatives.length)).toEqual([4, 2, 1]);
    const first = scored[0].negatives;
    expect(first.map((n) => n.margin.toFixed(2))).toEqual(["1.00", "-0.10", "2.00", "0.20"]);
    expect(first.map((n) => n.violated)).toEqual([false, true, false, true]);
    expect(first[1].hinge).toBeCloseTo(0.6, 10);
    expect(first[2].threshold).toBe(1.5);
    expect(scored[0].minMargin).toBeCloseTo(-0.1, 10);
  });

  it("uses threshold 0 without CE-CLIP thresholds", () => {
    const scored = scoreRows(rows, TYPES, evaluation(0, null));
    expect(scored[0].negatives.map((n) => n.violated)).toEqual([false, true, false, false]);
    expect(scored[0].negatives.every((n) => n.threshold === 0)).toBe(true);
  });
});

describe("selectRows", () => {
  const scored = scoreRows(rows, TYPES, evaluation(10, [0.5, 0.5, 1.5, 0.5]));

  it("sorts hardest first (smallest margin), easiest first, or in table order", () => {
    // min margins: row 0 -0.1, row 1 0.1, row 2 0.1 (ties keep table order)
    expect(selectRows(scored, { type: "all", violatedOnly: false, sort: "hardest" }).map((r) => r.i)).toEqual(
      [0, 1, 2],
    );
    expect(selectRows(scored, { type: "all", violatedOnly: false, sort: "easiest" }).map((r) => r.i)).toEqual(
      [1, 2, 0],
    );
    expect(selectRows(scored, { type: "all", violatedOnly: false, sort: "index" }).map((r) => r.i)).toEqual([
      0, 1, 2,
    ]);
  });

  it("filters by type: rows keep that type's negative and sort by it", () => {
    const shown = selectRows(scored, { type: "attributeReplace", violatedOnly: false, sort: "hardest" });
    expect(shown.map((r) => r.i)).toEqual([2, 0, 1]);
    expect(shown.every((r) => r.negatives.length === 1 && r.negatives[0].type === "attributeReplace")).toBe(
      true,
    );
    expect(
      selectRows(scored, { type: "objectSwap", violatedOnly: false, sort: "hardest" }).map((r) => r.i),
    ).toEqual([0]);
  });

  it("keeps only violated pairs when asked", () => {
    const shown = selectRows(scored, { type: "all", violatedOnly: true, sort: "hardest" });
    expect(shown.map((r) => [r.i, r.negatives.map((n) => n.type)])).toEqual([
      [0, ["objectSwap", "relationReplace"]],
      [1, ["attributeSwap"]],
      [2, ["attributeReplace"]],
    ]);
  });

  it("filters by split", () => {
    const shown = selectRows(scored, { type: "all", violatedOnly: false, sort: "index", split: "train" });
    expect(shown.map((r) => r.i)).toEqual([2]);
  });
});

describe("history and sparkline", () => {
  it("gives each valid type's margin at every evaluation", () => {
    const evals = [evaluation(0, null), evaluation(50, [1, 1, 1, 1], 0.1)];
    const history = marginHistory(evals, rows[1], 1, TYPES);
    expect(history.map((h) => h.type)).toEqual(["attributeSwap", "attributeReplace"]);
    expect(history[0].points.map((p) => p.step)).toEqual([0, 50]);
    expect(history[0].points[0].margin).toBeCloseTo(0.1, 10);
    expect(history[0].points[1].margin).toBeCloseTo(1.1, 10);
    expect(history[0].points[1].threshold).toBe(1);
  });

  it("maps values into the box, y up", () => {
    const { points, y } = sparklinePoints([0, 1, 2], 100, 20);
    const coords = points.split(" ").map((p) => p.split(",").map(Number));
    expect(coords[0][0]).toBeCloseTo(2);
    expect(coords[2][0]).toBeCloseTo(98);
    expect(coords[0][1]).toBeGreaterThan(coords[2][1]);
    expect(y(1)).toBeCloseTo(10);
    expect(sparklinePoints([3], 100, 20).points).toBe("50.0,10.0");
  });

  it("keeps one evaluation per step, in step order", () => {
    const a = { step: 10, v: 1 };
    const b = { step: 0, v: 2 };
    const c = { step: 10, v: 3 };
    expect(upsertEvaluation(upsertEvaluation(upsertEvaluation([], a), b), c)).toEqual([b, c]);
  });
});
