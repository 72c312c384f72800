import { describe, expect, it } from "vitest";
import { perTypeRows, retrievalRows } from "./benchmarkStore.js";
import { zipFileName } from "./exportStore.js";
import { probeRows, splitLines, useProbeStore } from "./probeStore.js";

describe("probe store", () => {
  it("turns a comparison into caption-first rows", () => {
    const rows = probeRows({
      texts: ["a red square", "a blue square"],
      base: { cosine: [0.3, 0.2], logits: [3, 2], probabilities: [0.73, 0.27], logitScale: 10 },
      current: { cosine: [0.4, 0.1], logits: [4, 1], probabilities: [0.95, 0.05], logitScale: 10 },
    });
    expect(rows.map((r) => r.role)).toEqual(["caption", "negative"]);
    expect(rows[1].base.cosine).toBe(0.2);
    expect(rows[1].current.probability).toBe(0.05);
  });

  it("splits negatives one per line, dropping blanks", () => {
    expect(splitLines(" a \n\n b\n  \n")).toEqual(["a", "b"]);
  });

  it("load() fills image, caption and negatives and asks for the probe tab", () => {
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" });
    useProbeStore.getState().load({
      source: { kind: "upload", blob, name: "x.png" },
      caption: "a red square",
      negatives: ["a blue square", "a red circle"],
    });
    const s = useProbeStore.getState();
    expect(s.requestedTab).toBe("probe");
    expect(s.caption).toBe("a red square");
    expect(s.negatives).toBe("a blue square\na red circle");
    expect(s.source?.kind).toBe("upload");
    s.consumeRequestedTab();
    expect(useProbeStore.getState().requestedTab).toBeNull();
  });
});

describe("benchmark and export helpers", () => {
  it("pairs base and current numbers per type and for retrieval", () => {
    const r = (a: number) => ({
      n: 10,
      candidates: 10,
      perType: { attributeSwap: a, relationReplace: null },
      perTypeCount: { attributeSwap: 10, relationReplace: 0 },
      r1_i2t: a,
      r5_i2t: 1,
      r1_t2i: 0.1,
      r5_t2i: 0.5,
    });
    expect(perTypeRows(r(0.5), r(0.8))).toEqual([
      { metric: "attributeSwap", base: 0.5, current: 0.8 },
      { metric: "relationReplace", base: null, current: null },
    ]);
    expect(retrievalRows(r(0.5), r(0.8))[0]).toEqual({ metric: "R@1 image→text", base: 0.5, current: 0.8 });
  });

  it("makes safe zip file names", () => {
    expect(zipFileName("hf-tiny-clip (fixture)", 120)).toBe("hf-tiny-clip-fixture-hardneg-step120.zip");
    expect(zipFileName(undefined, 0)).toBe("model-hardneg-step0.zip");
    expect(zipFileName("../../", 3)).toBe("model-hardneg-step3.zip");
  });
});
