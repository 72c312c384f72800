import { describe, expect, it } from "vitest";
import {
  buildRows,
  countTypes,
  debiasedEma,
  downsampleRows,
  lttb,
  lttbIndices,
  negativeTypeLabel,
  rawKey,
  toCsv,
} from "./series.js";

function noisy(n: number) {
  return Array.from({ length: n }, (_, i) => ({ x: i, y: Math.sin(i / 50) + ((i * 7919) % 13) / 13 }));
}

describe("LTTB", () => {
  it("keeps the first and last points and at most N points", () => {
    const points = noisy(100_000);
    for (const n of [3, 10, 500, 2000]) {
      const out = lttb(points, n);
      expect(out.length).toBeLessThanOrEqual(n);
      expect(out.length).toBe(n);
      expect(out[0]).toBe(points[0]);
      expect(out[out.length - 1]).toBe(points[points.length - 1]);
      for (let i = 1; i < out.length; i++) expect(out[i].x).toBeGreaterThan(out[i - 1].x);
    }
  });

  it("returns short inputs unchanged and handles tiny thresholds", () => {
    const points = noisy(5);
    expect(lttb(points, 10)).toEqual(points);
    expect(lttb(points, 5)).toEqual(points);
    expect(lttb(points, 2)).toEqual([points[0], points[4]]);
    expect(lttb([], 10)).toEqual([]);
    expect(lttbIndices([0, 1, 2], [[1, 2, 3]], 0)).toEqual([]);
  });

  it("keeps a spike that plain striding would miss", () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i === 4321 ? 100 : 0 }));
    const out = lttb(points, 100);
    expect(out.some((p) => p.y === 100)).toBe(true);
  });

  it("treats NaN as missing: never chosen for its value, and the result is still bounded", () => {
    const ys = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? Number.NaN : Math.cos(i / 100)));
    const xs = ys.map((_, i) => i);
    const idx = lttbIndices(xs, [ys], 200);
    expect(idx.length).toBe(200);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(4999);
  });
});

describe("debiased EMA", () => {
  it("matches a hand-computed sequence (beta 0.5)", () => {
    // s1 = 0.5 -> 0.5 / 0.5 = 1; s2 = 0.25 + 1 = 1.25 -> 1.25 / 0.75; s3 = 0.625 + 1.5 = 2.125 -> / 0.875
    const out = debiasedEma([1, 2, 3], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(5 / 3, 12);
    expect(out[2]).toBeCloseTo(2.125 / 0.875, 12);
  });

  it("is the identity at beta 0 and constant on a constant series", () => {
    expect(debiasedEma([3, -1, 4], 0)).toEqual([3, -1, 4]);
    for (const v of debiasedEma([2, 2, 2, 2], 0.9)) expect(v).toBeCloseTo(2, 12);
  });

  it("skips NaN without moving the average", () => {
    const out = debiasedEma([1, Number.NaN, 2], 0.5);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBeCloseTo(5 / 3, 12);
  });
});

describe("chart rows", () => {
  it("downsamples to at most N rows and turns NaN into null (a gap, not 0)", () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const a = xs.map((i) => (i % 2 ? Number.NaN : i));
    const rows = downsampleRows(xs, { a }, 2000);
    expect(rows.length).toBeLessThanOrEqual(2000);
    expect(rows[0].x).toBe(0);
    expect(rows[rows.length - 1].x).toBe(9999);
    expect(rows[rows.length - 1].a).toBeNull();
    expect(rows.some((r) => r.a === 0 && r.x !== 0)).toBe(false);
  });

  it("builds smoothed series with raw columns alongside", () => {
    const records = [1, 2, 3].map((v, i) => ({ step: i, v }));
    const rows = buildRows(
      records,
      (r) => r.step,
      [{ key: "v", label: "v", color: "#000", value: (r) => r.v }],
      {
        smoothing: 0.5,
        raw: true,
      },
    );
    expect(rows.map((r) => r[rawKey("v")])).toEqual([1, 2, 3]);
    expect(rows[1].v).toBeCloseTo(5 / 3, 12);
  });
});

describe("helpers", () => {
  it("writes CSV with empty cells for missing values and quotes when needed", () => {
    expect(
      toCsv(
        ["step", "a"],
        [
          [0, 1.5],
          [1, Number.NaN],
          [2, null],
          [3, 'x,"y"'],
        ],
      ),
    ).toBe('step,a\n0,1.5\n1,\n2,\n3,"x,""y"""\n');
  });

  it("names negative types and counts per-type terms", () => {
    expect([0, 1, 2, 3].map(negativeTypeLabel)).toEqual([
      "attribute swap",
      "object swap",
      "attribute replace",
      "relation replace",
    ]);
    expect(negativeTypeLabel(7)).toBe("type 7");
    expect(countTypes([{ theta_0: 1, theta_3: 2, gap_0: 1 }], "theta")).toBe(4);
    expect(countTypes([{ itc: 1 }], "theta")).toBe(0);
  });
});
