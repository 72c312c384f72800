import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type ClipConfig, parseClipConfig } from "../clip/config.js";
import { loadClip } from "../clip/index.js";
import { readFolder, TINY_CLIP_DIR } from "../clip/testing.js";
import { shapesExampleSource } from "../data/shapesWorld/source.js";
import { parseTrainConfig, type TrainConfig } from "./config.js";
import { estimateMemory, type MemoryLimits, type PlanInput, planMemory } from "./memoryPlanner.js";
import { Trainer } from "./trainer.js";

const fixtureConfig = (): ClipConfig =>
  parseClipConfig(readFileSync(join(TINY_CLIP_DIR, "config.json"), "utf8"));

function input(overrides: Partial<TrainConfig> = {}, extra: Partial<PlanInput> = {}): PlanInput {
  const train = parseTrainConfig({ batchSize: 4, ...overrides });
  return {
    model: fixtureConfig(),
    batchSize: train.batchSize,
    freeze: train.freeze,
    lora: train.lora,
    textsPerImage: 5, // a caption and 4 hard negatives
    ...extra,
  };
}

/**
 * Physical bytes of the cpu backend's buffers (each once: tf.memory().numBytes also counts
 * reshapes and clones, which share a buffer), with a high-water mark. Wraps the backend's
 * buffer store; for tests only.
 */
function trackBuffers() {
  const store = (
    tf.backend() as unknown as {
      data: { set(id: object, value: unknown): unknown; delete(id: object): unknown };
    }
  ).data;
  const sizes = new Map<object, number>();
  let current = 0;
  let peak = 0;
  const set = store.set.bind(store);
  const remove = store.delete.bind(store);
  store.set = (id: object, value: { values?: { byteLength: number } }) => {
    current += (value?.values?.byteLength ?? 0) - (sizes.get(id) ?? 0);
    sizes.set(id, value?.values?.byteLength ?? 0);
    peak = Math.max(peak, current);
    return set(id, value);
  };
  store.delete = (id: object) => {
    current -= sizes.get(id) ?? 0;
    sizes.delete(id);
    return remove(id);
  };
  return {
    current: () => current,
    peakSince: () => peak,
    resetPeak: () => {
      peak = current;
    },
    stop: () => {
      store.set = set;
      store.delete = remove;
    },
  };
}

describe("memory planner: counts for the fixture model", () => {
  it("parameters, gradients, AdamW state and activation sizes by hand", () => {
    const e = estimateMemory(input());
    // text 110,592 + vision 48,192 + projections 2,048 + 1,536 + logit scale 1
    expect(e.parameterCount).toBe(162_369);
    expect(e.trainableCount).toBe(162_369);
    expect(e.parameterBytes).toBe(4 * 162_369);
    expect(e.gradientBytes).toBe(4 * 162_369);
    expect(e.optimizerStateBytes).toBe(12 * 162_369); // m, v and the decay mask
    expect(e.residentBytes).toBe(16 * 162_369);
    // 4 images, 20 texts (5 per image) of 16 tokens, width 64, MLP 128, 4 heads.
    expect(e.activations.text).toMatchObject({
      sequences: 20,
      length: 16,
      hiddenElements: 20 * 16 * 64,
      mlpElements: 20 * 16 * 128,
      scoreElements: 20 * 4 * 16 * 16,
      backpropLayers: 2,
    });
    // (57.5 x 20,480 + 10.5 x 40,960 + 4.65 x 20,480) x 2 layers + 19.5 x 20,480, in floats
    expect(e.activations.text.bytes).toBeCloseTo(4 * 3_805_184, 0);
    expect(e.activations.vision).toMatchObject({
      sequences: 4,
      length: 17,
      hiddenElements: 4 * 17 * 48,
      mlpElements: 4 * 17 * 96,
      scoreElements: 4 * 4 * 17 * 17,
    });
    // At batch 4 AdamW's update (29.5 trainable-sized vectors) is the larger phase; at 8 the activations.
    expect(e.peakBytes).toBe(e.residentBytes + e.gradientBytes + e.optimizerStepBytes);
    const e8 = estimateMemory(input({ batchSize: 8 }));
    expect(e8.peakBytes).toBe(e8.residentBytes + e8.gradientBytes + e8.activations.bytes);
    expect(e.largestBuffer).toEqual({
      name: "AdamW's flat vector of the trainable parameters",
      bytes: 649_476,
    });
  });

  it("freezing, last blocks, LoRA and a teacher change what trains and what is held", () => {
    const text = estimateMemory(input({ freeze: { textTower: true } as TrainConfig["freeze"] }));
    expect(text.trainableCount).toBe(48_192 + 1_536 + 1);
    expect(text.activations.text.backpropLayers).toBe(0);
    expect(text.activations.vision.backpropLayers).toBe(2);
    const last = estimateMemory(input({ freeze: { lastBlocks: 1 } as TrainConfig["freeze"] }));
    expect(last.trainableCount).toBe(33_472 + 128 + 18_960 + 96 + 2_048 + 1_536 + 1);
    expect(last.activations.text.backpropLayers).toBe(1);
    const lora = estimateMemory(input({ lora: { rank: 4, alpha: 8 } }));
    expect(lora.loraParameterCount).toBe(12_544);
    expect(lora.trainableCount).toBe(12_544);
    expect(lora.parameterBytes).toBe(4 * (162_369 + 12_544));
    expect(lora.activations.vision.backpropLayers).toBe(2);
    const teacher = estimateMemory(input({}, { teacher: true }));
    expect(teacher.teacherBytes).toBe(4 * 162_369);
    expect(teacher.residentBytes).toBe(20 * 162_369);
    const plain = estimateMemory(input({}, { textsPerImage: 1 }));
    expect(plain.activations.text.sequences).toBe(4);
  });

  it("ViT-B/32: LoRA rank 8 adds 2,211,840 parameters; full fine-tuning is dominated by AdamW", () => {
    const config = parseClipConfig(
      readFileSync(
        join(import.meta.dirname, "../clip/testdata/openai-clip-vit-base-patch32.config.json"),
        "utf8",
      ),
    );
    const full = estimateMemory({ ...input(), model: config, batchSize: 8 });
    expect(full.parameterCount).toBe(151_277_313);
    expect(full.optimizerStepBytes).toBe(29.5 * 4 * 151_277_313);
    expect(full.peakBytes).toBe(full.residentBytes + full.gradientBytes + full.optimizerStepBytes);
    // 8 x (text 12 x (4 x 1,024 + 2 x 2,560) + vision 12 x (4 x 1,536 + 2 x 3,840))
    const lora = estimateMemory({ ...input({ lora: { rank: 8, alpha: 16 } }), model: config, batchSize: 8 });
    expect(lora.loraParameterCount).toBe(2_211_840);
    expect(lora.optimizerStepBytes).toBe(29.5 * 4 * 2_211_840);
    // With LoRA the activations of 40 texts x 77 tokens dominate: about half the full peak.
    expect(lora.peakBytes).toBeLessThan(full.peakBytes / 1.9);
    expect(lora.peakBytes).toBe(lora.residentBytes + lora.gradientBytes + lora.activations.bytes);
  });
});

describe("memory planner: against measured buffers (cpu backend)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  const cases: [string, Partial<TrainConfig>][] = [
    ["full fine-tuning, batch 4", { batchSize: 4 }],
    ["LoRA rank 4, batch 4", { batchSize: 4, lora: { rank: 4, alpha: 8 } }],
    ["last block only, batch 8", { batchSize: 8, freeze: { lastBlocks: 1 } as TrainConfig["freeze"] }],
  ];
  for (const [label, overrides] of cases) {
    it(`${label}: the estimated peak is within 5 % of the measured one`, async () => {
      const buffers = trackBuffers();
      try {
        const before = buffers.current();
        const model = await loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
        const config = parseTrainConfig({ objective: "ceclip", steps: 4, ...overrides });
        // Three-object scenes: every batch has a text as long as the context, the planner's
        // worst case (the text tower runs on the batch's longest text, see trimTrailingPadding).
        const source = shapesExampleSource({
          split: "train",
          seed: 1,
          size: 16,
          imageSize: 32,
          options: { objectCountWeights: [0, 0, 1] },
        });
        const trainer = new Trainer(model.params, model.config, model.tokenizer, source, config);
        trainer.step(); // the first step creates the objective's state
        await trainer.readMetrics();
        buffers.resetPeak();
        trainer.step();
        await trainer.readMetrics();
        const measured = buffers.peakSince() - before;
        const estimated = estimateMemory(input(overrides)).peakBytes;
        expect(
          Math.abs(estimated - measured) / measured,
          `estimated ${estimated}, measured ${measured}`,
        ).toBeLessThan(0.05);
        trainer.dispose();
        for (const t of model.params.values()) t.dispose();
      } finally {
        buffers.stop();
      }
    });
  }
});

describe("memory planner: limits and suggestions", () => {
  const roomy: MemoryLimits = { deviceMemory: 8 * 1024 ** 3 };

  it("fits when there is room: no problems, no suggestions", () => {
    const plan = planMemory(input(), roomy);
    expect(plan).toMatchObject({
      fits: true,
      problems: [],
      suggestions: [],
      budgetBytes: 0.7 * 8 * 1024 ** 3,
    });
  });

  it("over budget: every suggestion fits, and a lower batch is the largest that does", () => {
    const limits: MemoryLimits = { deviceMemory: 256 * 1024 ** 2, safeFraction: 0.5 };
    const big = input({ batchSize: 64 });
    const plan = planMemory(big, limits);
    expect(plan.fits).toBe(false);
    expect(plan.problems[0]).toMatch(
      /^the step needs about .* over the budget of 128 MiB \(50 % of 256 MiB\)$/,
    );
    expect(plan.suggestions.length).toBeGreaterThan(1);
    for (const s of plan.suggestions) {
      expect(s.fits).toBe(true);
      expect(s.peakBytes).toBeLessThanOrEqual(plan.budgetBytes);
    }
    const lower = plan.suggestions.find((s) => s.label.startsWith("Lower the batch size"))!;
    const batch = lower.changes.batchSize as number;
    expect(lower.label).toBe(`Lower the batch size to ${batch}`);
    expect(estimateMemory({ ...big, batchSize: batch }).peakBytes).toBeLessThanOrEqual(plan.budgetBytes);
    expect(estimateMemory({ ...big, batchSize: batch + 1 }).peakBytes).toBeGreaterThan(plan.budgetBytes);
    // Larger batches first: a frozen text tower leaves room for more images than the plain model.
    const batches = plan.suggestions.map((s) => (s.changes.batchSize as number | undefined) ?? 64);
    expect(batches).toEqual([...batches].sort((a, b) => b - a));
    expect(plan.suggestions.filter((s) => "freeze.lastBlocks" in s.changes).length).toBeLessThanOrEqual(1);
  });

  it("a buffer over maxStorageBufferBindingSize names it; only changes that shrink it are suggested", () => {
    const plan = planMemory(input(), { ...roomy, maxStorageBufferBindingSize: 200_000, maxBufferSize: 1e9 });
    expect(plan.problems).toEqual([
      "AdamW's flat vector of the trainable parameters (634 KiB) is larger than the GPU's maxStorageBufferBindingSize (195 KiB)",
    ]);
    // A smaller batch does not shrink AdamW's vector; LoRA (25,088 x 4 bytes) and a frozen text
    // tower (49,729 x 4 bytes) do; the last block alone (56,241 x 4) and a frozen vision tower do not.
    expect(plan.suggestions.map((s) => s.label)).toEqual(["Use LoRA rank 8", "Freeze the text tower"]);
  });
});
