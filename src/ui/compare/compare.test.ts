import Papa from "papaparse";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  BASE_MODEL_RUN,
  type CompareRun,
  createRun,
  DEFAULT_COMPARE_SETTINGS,
} from "../../state/compareQueue.js";
import { HELDOUT, step } from "../../state/compareTesting.js";
import { formatEta } from "../format.js";
import { CompareTable } from "./CompareTable.js";
import { compareCsv, compareRows, LOSS_WINDOW, typeNames } from "./compareRows.js";
import { heldoutMetrics, heldoutPoints, lossMetrics, lossPoints, overlayRows } from "./overlay.js";
import { QueueList } from "./QueueList.js";

const settings = { ...DEFAULT_COMPARE_SETTINGS, steps: 30, batchSize: 4, seed: 1 };

function finished(id: string, objective: string, fields: Partial<CompareRun> = {}): CompareRun {
  const history = Array.from({ length: 30 }, (_, i) => step(i));
  return {
    ...createRun(id, objective, settings),
    status: "done",
    history,
    stepsDone: 30,
    trainMs: 30 * 50,
    measuredSteps: 30,
    peakBytes: 3 * 2 ** 20,
    final: HELDOUT,
    model: "shapes-clip",
    ...fields,
  };
}

describe("comparison table", () => {
  const runs: CompareRun[] = [
    finished("run-1", BASE_MODEL_RUN, {
      history: [],
      stepsDone: 0,
      trainMs: 0,
      measuredSteps: 0,
      peakBytes: 0,
    }),
    finished("run-2", "clip"),
    { ...createRun("run-3", "ceclip", settings), status: "failed" },
    finished("run-4", "negclip", {
      final: { ...HELDOUT, perType: { attributeSwap: 0.8, objectSwap: null, relationReplace: 0.6 } },
    }),
  ];

  it("has one row per finished run with its numbers", () => {
    const rows = compareRows(runs);
    expect(rows.map((r) => [r.index, r.objective, r.steps])).toEqual([
      [1, BASE_MODEL_RUN, 0],
      [2, "clip", 30],
      [4, "negclip", 30],
    ]);
    const clip = rows[1];
    // 30 steps in 1.5 s; 3 MiB; mean loss of steps 10..29 = 2 - 19.5/10.
    expect(clip.stepsPerSecond).toBeCloseTo(20, 12);
    expect(clip.peakMiB).toBe(3);
    expect(LOSS_WINDOW).toBe(20);
    expect(clip.finalLoss).toBeCloseTo(0.05, 12);
    expect(clip.perType).toEqual(HELDOUT.perType);
    expect(rows[0].stepsPerSecond).toBeNaN();
    expect(rows[0].finalLoss).toBeNaN();
    expect(typeNames(rows)).toEqual(["attributeSwap", "objectSwap", "relationReplace"]);
  });

  it("exports the rows as CSV that parses back to the same numbers", () => {
    const csv = compareCsv(compareRows(runs));
    const parsed = Papa.parse<Record<string, string>>(csv.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([
      "run",
      "objective",
      "model",
      "steps",
      "batch_size",
      "seed",
      "heldout_n",
      "acc_attributeSwap",
      "acc_objectSwap",
      "acc_relationReplace",
      "r1_i2t",
      "r5_i2t",
      "r1_t2i",
      "r5_t2i",
      "steps_per_second",
      "peak_memory_mib",
      "final_loss",
    ]);
    const [base, clip, negclip] = parsed.data;
    expect(base).toMatchObject({
      run: "1",
      objective: "base",
      steps: "0",
      steps_per_second: "",
      final_loss: "",
    });
    expect(clip).toMatchObject({
      acc_attributeSwap: "0.75",
      acc_relationReplace: "",
      r1_i2t: "0.6",
      peak_memory_mib: "3",
    });
    expect(Number(clip.steps_per_second)).toBeCloseTo(20, 9);
    expect(negclip).toMatchObject({ acc_objectSwap: "", acc_relationReplace: "0.6" });
  });
});

describe("overlaid curves", () => {
  it("puts runs with different steps on one axis, gaps where a run has no point", () => {
    const rows = overlayRows([
      { key: "a", label: "a", color: "#000", points: [0, 1, 2].map((x) => ({ x, y: x })) },
      { key: "b", label: "b", color: "#111", points: [1, 3].map((x) => ({ x, y: 10 * x })) },
    ]);
    expect(rows).toEqual([
      { x: 0, a: 0, b: null },
      { x: 1, a: 1, b: 10 },
      { x: 2, a: 2, b: null },
      { x: 3, a: null, b: 30 },
    ]);
  });

  it("smooths each run along its own points (debiased EMA) and keeps raw values on request", () => {
    const rows = overlayRows(
      [
        {
          key: "a",
          label: "a",
          color: "#000",
          points: [
            { x: 0, y: 1 },
            { x: 2, y: 3 },
          ],
        },
        { key: "b", label: "b", color: "#111", points: [{ x: 1, y: 5 }] },
      ],
      { smoothing: 0.5, raw: true },
    );
    // a: s1 = 0.5 -> 1; s2 = 0.25 + 1.5 = 1.75, / 0.75 = 7/3.
    expect(rows[2].a).toBeCloseTo(7 / 3, 12);
    expect(rows[2].a__raw).toBe(3);
    expect(rows[1]).toMatchObject({ a: null, b: 5 });
  });

  it("reads loss terms and held-out metrics; the final evaluation closes the accuracy curve", () => {
    const run = finished("run-1", "clip", {
      evals: [{ step: 10, result: { ...HELDOUT, r1_t2i: 0.4, perType: { objectSwap: 0.45 } } }],
    });
    expect(lossPoints(run, "loss").slice(0, 2)).toEqual([
      { x: 0, y: 2 },
      { x: 1, y: 1.9 },
    ]);
    expect(lossPoints(run, "itc")[3]).toEqual({ x: 3, y: 2 - 3 / 10 });
    expect(lossPoints(run, "missing")[0].y).toBeNaN();
    expect(heldoutPoints(run, "objectSwap")).toEqual([
      { x: 10, y: 0.45 },
      { x: 30, y: 0.5 },
    ]);
    expect(heldoutPoints(run, "r1_t2i")).toEqual([
      { x: 10, y: 0.4 },
      { x: 30, y: 0.55 },
    ]);
    expect(lossMetrics([run])).toEqual(["loss", "itc"]);
    expect(heldoutMetrics([run])).toEqual(["objectSwap", "attributeSwap", "r1_i2t", "r1_t2i"]);
  });

  it("formats the ETA", () => {
    expect([formatEta(42.4), formatEta(200), formatEta(3900), formatEta(Number.NaN)]).toEqual([
      "42 s",
      "3 min 20 s",
      "1 h 5 min",
      "–",
    ]);
  });
});

describe("queue list and table (server render)", () => {
  it("lists every run with its status and tabulates the finished ones", () => {
    const runs = [
      finished("run-1", "clip"),
      { ...createRun("run-2", "degla", settings), status: "running" as const, stepsDone: 3 },
      finished("run-3", "negclip"),
    ];
    const list = renderToString(createElement(QueueList, { runs, onRemove: () => {} })).replace(
      /<!-- -->/g,
      "",
    );
    expect(list.match(/data-testid="compare-run"/g)).toHaveLength(3);
    expect(list).toContain('<span data-testid="compare-run-status">training</span> 3 / 30');
    // The running run cannot be removed; the two finished ones can.
    expect(list.match(/Remove run/g)).toHaveLength(2);
    const table = renderToString(createElement(CompareTable, { rows: compareRows(runs) }));
    expect(table.match(/data-testid="compare-row"/g)).toHaveLength(2);
    expect(table).toContain('data-testid="compare-steps-per-second">20.00<');
    expect(renderToString(createElement(CompareTable, { rows: [] }))).toContain("No finished runs yet");
  });
});
