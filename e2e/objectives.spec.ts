import { expect, test } from "@playwright/test";
import { openHarness } from "./helpers.js";

/**
 * Every training objective runs 20 steps on the real WebGPU adapter (fused kernels on) with
 * the bundled tiny CLIP and gives finite metrics, every step applied. Batch 4: SwiftShader is
 * slow.
 */
const OBJECTIVES = ["clip", "negclip", "ceclip", "fscclip", "degla", "ceclip+imageneg", "ceclip+keywords"];
const STEPS = 20;

test.beforeEach(async ({ page }) => {
  await openHarness(page);
  const backend = await page.evaluate(async () => (await window.harness.chooseBackend(["webgpu"])).backend);
  expect(backend).toBe("webgpu");
});

for (const objective of OBJECTIVES) {
  test(`${objective}: ${STEPS} steps on WebGPU give finite metrics`, async ({ page }) => {
    const result = await page.evaluate(
      async ({ objective, steps }) => {
        const { clip, train, tf } = window.harness;
        const model = await clip.loadClip({ baseUrl: "/models/hf-tiny-clip" }, { trainable: true });
        const source = train.shapesExampleSource({
          split: "train",
          seed: 3,
          size: steps * 4,
          imageSize: model.config.vision_config.image_size,
        });
        const config = train.parseTrainConfig({
          objective,
          steps,
          batchSize: 4,
          warmupSteps: 2,
          evalEvery: 0,
          checkpointEvery: 0,
          // Small enough for the tiny model's 1-2 dozen patch tokens and captions.
          objectiveOptions: objective.includes("imageneg")
            ? { imageNegPrototypes: 8, imageNegDictionaryImages: 8 }
            : {},
        });
        const trainer = new train.Trainer(model.params, model.config, model.tokenizer, source, config);
        await trainer.prepare();
        const metrics: {
          step: number;
          loss: number;
          gradNorm: number;
          applied: boolean;
          terms: Record<string, number>;
        }[] = [];
        const tensorsAfterFirst: number[] = [];
        for (let s = 0; s < steps; s++) {
          trainer.step();
          if (s === 1 || s === steps - 1) {
            await trainer.readMetrics().then((m) => metrics.push(...m));
            tensorsAfterFirst.push(tf.memory().numTensors);
          }
        }
        metrics.push(...(await trainer.readMetrics()));
        trainer.dispose();
        clip.disposeClip(model);
        return { metrics, tensors: tensorsAfterFirst };
      },
      { objective, steps: STEPS },
    );
    expect(result.metrics).toHaveLength(STEPS);
    for (const m of result.metrics) {
      expect(m.applied, `step ${m.step} applied`).toBe(true);
      for (const [name, value] of Object.entries({ loss: m.loss, gradNorm: m.gradNorm, ...m.terms })) {
        // A type with no valid negative in a batch of 4 has no gap or rate: NaN by design (a chart gap).
        if (/^(gap|violationRate)_\d+$/.test(name) && Number.isNaN(value)) continue;
        expect(Number.isFinite(value), `step ${m.step} ${name} = ${value}`).toBe(true);
      }
    }
    // No leak: the tensor count after step 2 equals the one after the last step.
    expect(result.tensors[1]).toBe(result.tensors[0]);
  });
}
