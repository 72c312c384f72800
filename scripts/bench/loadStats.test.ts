import { describe, expect, it } from "vitest";
import { formatBytes, loadTable, memoryIsFlat, summarize } from "./loadStats.js";

describe("summarize", () => {
  it("gives count, median, p95, max and mean of unsorted values", () => {
    // 1..20 shuffled: median (10+11)/2, nearest-rank p95 = the 19th value, mean 10.5.
    const values = [7, 3, 20, 1, 15, 2, 19, 4, 18, 5, 17, 6, 16, 8, 14, 9, 13, 10, 12, 11];
    expect(summarize(values)).toEqual({ count: 20, median: 10.5, p95: 19, max: 20, mean: 10.5 });
  });

  it("takes the middle value of an odd count and does not reorder its input", () => {
    const values = [5, 1, 3];
    expect(summarize(values)).toMatchObject({ count: 3, median: 3, p95: 5, max: 5, mean: 3 });
    expect(values).toEqual([5, 1, 3]);
  });

  it("is all zeros for no values", () => {
    expect(summarize([])).toEqual({ count: 0, median: 0, p95: 0, max: 0, mean: 0 });
  });
});

describe("formatBytes", () => {
  it("uses binary units with one decimal", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MiB");
    expect(formatBytes(5.25 * 1024 ** 3)).toBe("5.3 GiB");
  });
});

describe("memoryIsFlat", () => {
  const early = { step: 10, numTensors: 120, numBytes: 4096 };
  it("holds only when tensors and bytes are both unchanged", () => {
    expect(memoryIsFlat(early, { step: 1000, numTensors: 120, numBytes: 4096 })).toBe(true);
    expect(memoryIsFlat(early, { step: 1000, numTensors: 121, numBytes: 4096 })).toBe(false);
    expect(memoryIsFlat(early, { step: 1000, numTensors: 120, numBytes: 4100 })).toBe(false);
  });
});

describe("loadTable", () => {
  it("prints a markdown table and escapes pipes", () => {
    const table = loadTable([{ measure: "probe", where: "Node wasm", result: "12 ms", how: "a | b" }]);
    expect(table.split("\n")).toEqual([
      "| measure | where | result | how |",
      "|---|---|---|---|",
      "| probe | Node wasm | 12 ms | a \\| b |",
    ]);
  });
});
