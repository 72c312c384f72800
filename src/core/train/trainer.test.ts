import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { disposeClip, type LoadedClip, loadClip } from "../clip/index.js";
import { encodeImagePatches, encodeTextTokens } from "../clip/model.js";
import { preprocessOptionsFor } from "../clip/preprocess.js";
import { readFolder, TINY_CLIP_DIR } from "../clip/testing.js";
import { shapesExampleSource } from "../data/shapesWorld/source.js";
import { ceClipObjective } from "../losses/ceclip.js";
import { buildBatch } from "./batches.js";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.js";
import { parseTrainConfig, type TrainConfig } from "./config.js";
import { type StepMetrics, Trainer } from "./trainer.js";

/** The tiny HF fixture model (32 px) as trainable variables, fresh for each run. */
const loadTiny = (): Promise<LoadedClip> => loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });

/** Four shapes-world scenes: a small fixed data set (every epoch is the same batch). */
const fixedSource = () => shapesExampleSource({ split: "train", seed: 3, size: 4, imageSize: 32 });

function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return parseTrainConfig({
    objective: "ceclip",
    objectiveOptions: { resetEachEpoch: false },
    steps: 200,
    batchSize: 4,
    lr: 2e-3,
    warmupSteps: 5,
    ...overrides,
  });
}

async function run(trainer: Trainer, steps: number): Promise<StepMetrics[]> {
  for (let i = 0; i < steps; i++) trainer.step();
  return trainer.readMetrics();
}

describe("Trainer (cpu backend, tiny fixture model)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  // On wasm (same kernels' semantics, ~10x faster than cpu) so that 200 steps fit CI's budget.
  it("200 CE-CLIP steps on a fixed batch: loss falls, thresholds rise, no tensor leak", {
    timeout: 600_000,
  }, async () => {
    await tf.setBackend("wasm");
    const model = await loadTiny();
    const trainer = new Trainer(model.params, model.config, model.tokenizer, fixedSource(), config());
    const first = await run(trainer, 10);
    const tensorsAt10 = tf.memory().numTensors;
    const middle = await run(trainer, 90);
    expect(tf.memory().numTensors).toBe(tensorsAt10);
    const last = await run(trainer, 100);
    const all = [...first, ...middle, ...last];
    expect(all.map((m) => m.step)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    for (const m of all) expect(Number.isFinite(m.loss)).toBe(true);
    const mean = (xs: StepMetrics[]) => xs.reduce((a, m) => a + m.loss, 0) / xs.length;
    expect(mean(last.slice(-10))).toBeLessThan(0.5 * mean(first));
    // theta_k starts at 0 and ends positive for every type with a valid negative in the batch.
    const source = fixedSource();
    const validTypes = [0, 1, 2, 3].filter((k) =>
      [0, 1, 2, 3].some((i) => source.get(i).negativeMask[k] === 1),
    );
    expect(validTypes.length).toBeGreaterThan(1);
    for (const k of validTypes) {
      expect(first[0].terms[`theta_${k}`]).toBe(0);
      expect(last[last.length - 1].terms[`theta_${k}`]).toBeGreaterThan(1);
    }
    trainer.dispose();
    await tf.setBackend("cpu");
  });

  it("checkpoint and resume reproduce the uninterrupted run exactly", async () => {
    const source = () => shapesExampleSource({ split: "train", seed: 5, size: 12, imageSize: 32 });
    const cfg = config({ steps: 8, objectiveOptions: {} }); // resetEachEpoch on: 3 batches per epoch
    const straightModel = await loadTiny();
    const straight = new Trainer(
      straightModel.params,
      straightModel.config,
      straightModel.tokenizer,
      source(),
      cfg,
    );
    const expected = await run(straight, 8);

    const firstModel = await loadTiny();
    const firstHalf = new Trainer(firstModel.params, firstModel.config, firstModel.tokenizer, source(), cfg);
    const before = await run(firstHalf, 4);
    const bytes = encodeCheckpoint(await firstHalf.checkpoint());
    firstHalf.dispose();

    const resumedModel = await loadTiny();
    const resumed = new Trainer(
      resumedModel.params,
      resumedModel.config,
      resumedModel.tokenizer,
      source(),
      cfg,
    );
    resumed.restore(decodeCheckpoint(bytes));
    const after = await run(resumed, 4);
    expect([...before, ...after].map((m) => m.loss)).toEqual(expected.map((m) => m.loss));
    expect([...before, ...after].map((m) => m.terms.theta_0)).toEqual(expected.map((m) => m.terms.theta_0));
    for (const [name, t] of straightModel.params) {
      expect(Array.from(resumedModel.params.get(name)!.dataSync()), name).toEqual(Array.from(t.dataSync()));
    }
    straight.dispose();
    resumed.dispose();
  });

  it("freezing keeps frozen parameters fixed and trains the rest", async () => {
    const model = await loadTiny();
    const frozenName = "text_model.encoder.layers.0.mlp.fc1.weight";
    const trainedName = "vision_model.encoder.layers.1.mlp.fc1.weight";
    const frozenBefore = Array.from(model.params.get(frozenName)!.dataSync());
    const trainedBefore = Array.from(model.params.get(trainedName)!.dataSync());
    const trainer = new Trainer(
      model.params,
      model.config,
      model.tokenizer,
      fixedSource(),
      config({
        objective: "clip",
        freeze: { textTower: true, visionTower: false, embeddings: false, firstBlocks: 0, lastBlocks: 0 },
      }),
    );
    await run(trainer, 2);
    expect(Array.from(model.params.get(frozenName)!.dataSync())).toEqual(frozenBefore);
    expect(Array.from(model.params.get(trainedName)!.dataSync())).not.toEqual(trainedBefore);
    trainer.dispose();
  });

  it("FSC-CLIP (token features) and DeGLA (EMA teacher) train with finite metrics and no leak", async () => {
    for (const objective of ["fscclip", "degla"]) {
      const model = await loadTiny();
      const name = "visual_projection.weight";
      const initial = Array.from(model.params.get(name)!.dataSync());
      const trainer = new Trainer(
        model.params,
        model.config,
        model.tokenizer,
        fixedSource(),
        config({ objective, objectiveOptions: {} }),
      );
      const first = await run(trainer, 1);
      const tensors = tf.memory().numTensors;
      const more = await run(trainer, 2);
      expect(tf.memory().numTensors, objective).toBe(tensors);
      for (const m of [...first, ...more]) expect(Number.isFinite(m.loss), objective).toBe(true);
      if (objective === "fscclip") expect(first[0].terms.negLocal).toBeGreaterThan(0);
      if (objective === "degla") {
        // After each step: teacher <- 0.9996 teacher + 0.0004 student.
        const student = model.params.get(name)!.dataSync();
        const teacher = trainer.teacher!.get(name)!.dataSync();
        const moved = teacher.map((t, i) => Math.abs(t - initial[i]));
        expect(Math.max(...moved)).toBeGreaterThan(0);
        const gap = Math.max(...student.map((x, i) => Math.abs(x - initial[i])));
        expect(Math.max(...moved)).toBeLessThan(0.01 * gap);
      }
      trainer.dispose();
    }
  });

  // The default model's captions are shorter than its 24-token context, so the text tower
  // drops the trailing padding: token-level inputs (FSC-CLIP's masks, image negatives'
  // content words) must have the trimmed length too. Both failed on it before.
  it("token-level objectives train the default model, whose texts are trimmed", async () => {
    const dir = join(import.meta.dirname, "../../../public/models/shapes-clip");
    for (const objective of ["fscclip", "ceclip+imageneg"]) {
      const model = await loadClip(readFolder(dir), { trainable: true });
      const source = shapesExampleSource({ split: "train", seed: 3, size: 8, imageSize: 32 });
      const longest = Math.max(...[0, 1, 2, 3].map((i) => source.get(i).caption.split(" ").length));
      expect(longest + 2, "captions shorter than the context").toBeLessThan(24);
      const trainer = new Trainer(
        model.params,
        model.config,
        model.tokenizer,
        source,
        config({
          objective,
          objectiveOptions: objective.includes("imageneg")
            ? { imageNegPrototypes: 4, imageNegDictionaryImages: 8 }
            : {},
        }),
      );
      await trainer.prepare();
      const [m] = await run(trainer, 1);
      expect(Number.isFinite(m.loss), objective).toBe(true);
      trainer.dispose();
      disposeClip(model);
    }
  });

  it("logit_scale is clamped to [0, ln 100] after every step", async () => {
    const model = await loadTiny();
    (model.params.get("logit_scale") as tf.Variable).assign(tf.scalar(Math.log(100) + 0.5));
    const trainer = new Trainer(
      model.params,
      model.config,
      model.tokenizer,
      fixedSource(),
      config({ objective: "negclip" }),
    );
    const [m] = await run(trainer, 1);
    expect(m.logitScale).toBeLessThanOrEqual(100 + 1e-3);
    expect(model.params.get("logit_scale")!.dataSync()[0]).toBeCloseTo(Math.log(100), 5);
    trainer.dispose();
  });
});

describe("finite differences: model + CE-CLIP loss on the tiny fixture model", () => {
  it("gradients of each kind of parameter match central differences", async () => {
    await tf.setBackend("cpu");
    const model = await loadTiny();
    const source = shapesExampleSource({ split: "train", seed: 11, size: 4, imageSize: 32 });
    const batch = buildBatch(source, [0, 1, 2, 3], model.tokenizer, preprocessOptionsFor(32), 8, true);
    const options = ceClipObjective.optionsSchema.parse({});
    const thresholds = { thresholds: tf.tensor1d([0.5, 1, 1.5, 2]) };
    const n = batch.captions.batch;
    const loss = () =>
      tf.tidy(() => {
        const images = encodeImagePatches(model.params, model.config, batch.patches).features;
        const texts = encodeTextTokens(model.params, model.config, {
          ids: Int32Array.from([...batch.captions.ids, ...batch.negatives!.ids]),
          batch: n * 5,
          length: batch.captions.length,
        }).features;
        const out = ceClipObjective.compute(
          {
            imageEmb: images,
            textEmb: texts.slice([0, 0], [n, -1]),
            hardNegEmb: texts.slice([n, 0], [n * 4, -1]),
            validMask: batch.validMask,
            numNegativeTypes: 4,
            logitScaleLog: model.params.get("logit_scale") as tf.Scalar,
          },
          thresholds,
          options,
        );
        return out.total;
      });
    const names = [
      "text_model.embeddings.token_embedding.weight",
      "vision_model.embeddings.patch_embedding.weight",
      "text_model.encoder.layers.1.self_attn.k_proj.weight",
      "vision_model.encoder.layers.0.self_attn.q_proj.bias",
      "text_model.encoder.layers.0.mlp.fc2.weight",
      "vision_model.encoder.layers.1.layer_norm2.weight",
      "vision_model.pre_layrnorm.bias",
      "text_projection.weight",
      "visual_projection.weight",
      "logit_scale",
    ];
    const variables = names.map((name) => model.params.get(name) as tf.Variable);
    const { grads } = tf.variableGrads(() => loss() as tf.Scalar, variables);
    for (const [i, name] of names.entries()) {
      const g = grads[variables[i].name].dataSync();
      // The element with the largest gradient: a meaningful check in float32.
      let at = 0;
      for (let j = 1; j < g.length; j++) if (Math.abs(g[j]) > Math.abs(g[at])) at = j;
      const values = variables[i].dataSync().slice();
      const eps = 1e-2;
      const lossAt = (delta: number) => {
        const shifted = values.slice();
        shifted[at] += delta;
        variables[i].assign(tf.tensor(shifted, variables[i].shape));
        const l = loss();
        const v = l.dataSync()[0];
        l.dispose();
        return v;
      };
      const fd = (lossAt(eps) - lossAt(-eps)) / (2 * eps);
      variables[i].assign(tf.tensor(values, variables[i].shape));
      expect(Math.abs(fd - g[at]), `${name}: fd ${fd} vs grad ${g[at]}`).toBeLessThan(
        2e-3 + 0.03 * Math.abs(g[at]),
      );
      expect(Math.abs(g[at]), name).toBeGreaterThan(1e-3);
    }
    tf.dispose(Object.values(grads));
  });
});
