import { describe, expect, it } from "vitest";
import { SCALE_OBJECTIVES } from "../../core/io/bundle/index.js";
import { objectives } from "../../core/losses/registry.js";
import {
  bundleFolderName,
  launchCommands,
  processCount,
  resultFileName,
  runRecordSummary,
  scaleBlocker,
} from "./scaleOut.js";

describe("scaleBlocker", () => {
  it("lets every objective scale/ implements through, without LoRA", () => {
    for (const objective of SCALE_OBJECTIVES)
      expect(scaleBlocker({ objective, lora: { rank: 0 } })).toBeUndefined();
  });

  it("names the objective and the ones that can go for an augmented objective", () => {
    expect(scaleBlocker({ objective: "ceclip+imageneg" })).toBe(
      'The objective "ceclip+imageneg" cannot be exported for scale/: it implements clip, negclip, ceclip, ' +
        "fscclip, degla (the browser's +imageneg and +keywords variants are not ported). Pick one of those " +
        "objectives in the sidebar.",
    );
  });

  it("blocks every registered objective scale/ lacks, and only those", () => {
    const blocked = Object.keys(objectives).filter((name) => scaleBlocker({ objective: name }) !== undefined);
    expect(blocked.sort()).toEqual(
      Object.keys(objectives)
        .filter((name) => !(SCALE_OBJECTIVES as readonly string[]).includes(name))
        .sort(),
    );
    expect(blocked.length).toBeGreaterThan(0);
  });

  it("blocks LoRA runs of a supported objective", () => {
    expect(scaleBlocker({ objective: "ceclip", lora: { rank: 4 } })).toMatch(/^LoRA runs cannot be exported/);
  });
});

describe("launch lines", () => {
  it("names a safe bundle folder", () => {
    expect(bundleFolderName("shapes-clip (trained)", "ceclip")).toBe("shapes-clip-trained-ceclip-bundle");
    expect(bundleFolderName(undefined, "clip")).toBe("model-clip-bundle");
    expect(bundleFolderName("../../x", "ceclip")).toBe("x-ceclip-bundle");
  });

  it("picks a process count that divides the global batch", () => {
    expect(processCount(64, 8)).toBe(8);
    expect(processCount(12, 8)).toBe(6);
    expect(processCount(7, 2)).toBe(1);
    expect(processCount(1, 8)).toBe(1);
    expect(processCount(10, 2)).toBe(2);
  });

  it("writes the README's torchrun lines for the bundle", () => {
    expect(launchCommands("m-ceclip-bundle", 64)).toEqual({
      check: "python3 scale/cli.py check-bundle m-ceclip-bundle",
      gpu: "torchrun --nproc_per_node 8 scale/cli.py train --bundle m-ceclip-bundle --out m-ceclip-out --backend nccl --device cuda",
      cpu: "python3 scale/torchrun.py --nproc_per_node 2 scale/cli.py train --bundle m-ceclip-bundle --out m-ceclip-out --backend gloo --device cpu",
    });
  });
});

describe("resultFileName", () => {
  it("keeps the top-level result files of a picked folder, not the checkpoint or subfolders", () => {
    expect(resultFileName("ceclip-out/metrics.csv")).toBe("metrics.csv");
    expect(resultFileName("ceclip-out/model.safetensors")).toBe("model.safetensors");
    expect(resultFileName("ceclip-out/checkpoint.safetensors")).toBeUndefined();
    expect(resultFileName("ceclip-out/old/metrics.csv")).toBeUndefined();
    expect(resultFileName("run.json")).toBe("run.json");
  });
});

describe("runRecordSummary", () => {
  it("summarises scale/'s run.json", () => {
    expect(
      runRecordSummary(
        { stepsDone: 1000, worldSize: 2, device: "cpu", stepsPerSecond: 1.25, imagesPerSecond: 80 },
        1000,
      ),
    ).toBe("1,000 metric rows, 1,000 steps, 2 processes (cpu), 1.25 steps/s, 80 images/s");
    expect(runRecordSummary({ worldSize: 1, interrupted: true, stepsPerSecond: "x" }, 3)).toBe(
      "3 metric rows, 1 process, interrupted before the last step",
    );
  });
});
