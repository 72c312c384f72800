import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type LoadedClip, loadClip } from "./index.js";
import {
  addLora,
  hasLora,
  initLora,
  LORA_SCALING,
  loraLinears,
  loraParameterCount,
  mergeLora,
  mergeLoraInPlace,
} from "./lora.js";
import { type ClipParams, encodeImagePixels, encodeTextTokens } from "./model.js";
import { createRng } from "./random.js";
import { maxAbsDiff, readFolder, TINY_CLIP_DIR } from "./testing.js";

const load = (): Promise<LoadedClip> => loadClip(readFolder(TINY_CLIP_DIR), { trainable: true });
const TEXTS = ["a red cube left of a blue sphere", "two green circles", "a small square"];

/** Both towers' projected features, flattened: [text..., image...]. */
async function features(model: LoadedClip, params: ClipParams = model.params): Promise<Float32Array> {
  const out = tf.tidy(() => {
    const { inputIds, shape } = model.tokenizer.encode(TEXTS);
    const text = encodeTextTokens(params, model.config, { ids: inputIds, batch: shape[0], length: shape[1] });
    const size = model.config.vision_config.image_size;
    const pixels = tf.randomUniform([2, 3, size, size], -1, 1, "float32", 7) as tf.Tensor4D;
    const image = encodeImagePixels(params, model.config, pixels);
    return tf.concat([text.features.reshape([-1]), image.features.reshape([-1])]);
  });
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

/** Gives every B factor random values (B = 0 makes the update, and A's gradient, vanish). */
function randomizeB(params: ClipParams, seed: number): void {
  const rng = createRng(seed);
  for (const [name, t] of params) {
    if (!name.endsWith(".lora_B")) continue;
    const data = Float32Array.from({ length: t.size }, () => 0.05 * rng.normal());
    tf.tidy(() => (t as tf.Variable).assign(tf.tensor(data, t.shape)));
  }
}

describe("LoRA adapters (cpu backend, tiny fixture model)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("counts r (in + out) per adapted Linear: 3,136 r for the fixture", async () => {
    const model = await load();
    // text (width 64, MLP 128): 4 r (64 + 64) + 2 r (64 + 128) = 896 r per layer, 2 layers;
    // vision (width 48, MLP 96): 4 r (48 + 48) + 2 r (48 + 96) = 672 r per layer, 2 layers.
    expect(loraLinears(model.config).size).toBe(24);
    expect(loraParameterCount(model.config, 1)).toBe(2 * 896 + 2 * 672);
    expect(loraParameterCount(model.config, 4)).toBe(12_544);
    const init = initLora(model.config, { rank: 4, alpha: 8 }, 0);
    let total = 0;
    for (const [name, t] of init) if (name !== LORA_SCALING) total += t.data.length;
    expect(total).toBe(12_544);
    expect(init.get(LORA_SCALING)!.data[0]).toBe(2);
    // A within PEFT's kaiming bound 1/sqrt(in), B zero; the same seed gives the same A.
    const a = init.get("text_model.encoder.layers.1.mlp.fc2.lora_A")!;
    expect(a.shape).toEqual([4, 128]);
    expect(Math.max(...a.data.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(128));
    expect(Math.max(...a.data.map(Math.abs))).toBeGreaterThan(0.5 / Math.sqrt(128));
    expect(init.get("text_model.encoder.layers.1.mlp.fc2.lora_B")!.data.every((v) => v === 0)).toBe(true);
    const again = initLora(model.config, { rank: 4, alpha: 8 }, 0);
    expect(again.get("text_model.encoder.layers.1.mlp.fc2.lora_A")!.data).toEqual(a.data);
    expect(() => initLora(model.config, { rank: 0, alpha: 8 }, 0)).toThrow(/rank must be a positive integer/);
  });

  it("with B = 0 the adapted model equals the base exactly", async () => {
    const model = await load();
    const base = await features(model);
    addLora(model.params, model.config, { rank: 4, alpha: 8 }, 3);
    expect(hasLora(model.params)).toBe(true);
    expect(await features(model)).toEqual(base);
    expect(() => addLora(model.params, model.config, { rank: 4, alpha: 8 }, 3)).toThrow(/already has LoRA/);
  });

  it("merged weights give the adapted forward within 1e-5; merging in place removes the adapters", async () => {
    const model = await load();
    const base = await features(model);
    addLora(model.params, model.config, { rank: 3, alpha: 6 }, 1);
    randomizeB(model.params, 11);
    const adapted = await features(model);
    expect(maxAbsDiff(adapted, base)).toBeGreaterThan(1e-3); // the update is real
    const merged = mergeLora(model.params);
    expect([...merged.params.keys()].some((n) => n.includes("lora"))).toBe(false);
    expect(merged.created.length).toBe(24);
    expect(maxAbsDiff(await features(model, merged.params), adapted)).toBeLessThan(1e-5);
    tf.dispose(merged.created);
    const tensorsBefore = tf.memory().numTensors;
    mergeLoraInPlace(model.params);
    expect(hasLora(model.params)).toBe(false);
    expect(tf.memory().numTensors).toBe(tensorsBefore - 49); // 24 A, 24 B and the scaling
    expect(maxAbsDiff(await features(model), adapted)).toBeLessThan(1e-5);
  });

  it("gradients of A and B match central finite differences", async () => {
    const model = await load();
    addLora(model.params, model.config, { rank: 2, alpha: 4 }, 5);
    randomizeB(model.params, 12);
    const weights = tf.tidy(() => tf.randomNormal([TEXTS.length * 32 + 2 * 32], 0, 1, "float32", 9));
    const loss = () =>
      tf.tidy(() => {
        const { inputIds, shape } = model.tokenizer.encode(TEXTS);
        const text = encodeTextTokens(model.params, model.config, {
          ids: inputIds,
          batch: shape[0],
          length: shape[1],
        }).features;
        const size = model.config.vision_config.image_size;
        const pixels = tf.randomUniform([2, 3, size, size], -1, 1, "float32", 7) as tf.Tensor4D;
        const image = encodeImagePixels(model.params, model.config, pixels).features;
        return tf.sum(tf.mul(tf.concat([text.reshape([-1]), image.reshape([-1])]), weights)) as tf.Scalar;
      });
    const names = [
      "text_model.encoder.layers.0.self_attn.q_proj.lora_A",
      "text_model.encoder.layers.1.mlp.fc1.lora_B",
      "vision_model.encoder.layers.0.mlp.fc2.lora_A",
      "vision_model.encoder.layers.1.self_attn.out_proj.lora_B",
    ];
    const vars = names.map((n) => model.params.get(n) as tf.Variable);
    const { grads, value } = tf.variableGrads(loss, vars);
    value.dispose();
    for (const [i, v] of vars.entries()) {
      const analytic = (await grads[v.name].data()) as Float32Array;
      const values = (await v.data()) as Float32Array;
      // The largest-gradient entry and one more, each by a central difference in float32.
      const largest = analytic.reduce((best, g, j) => (Math.abs(g) > Math.abs(analytic[best]) ? j : best), 0);
      for (const j of [largest, (largest + 7) % analytic.length]) {
        const h = 1e-2;
        const at = async (delta: number) => {
          const copy = values.slice();
          copy[j] += delta;
          tf.tidy(() => v.assign(tf.tensor(copy, v.shape)));
          const l = loss();
          const out = (await l.data())[0];
          l.dispose();
          return out;
        };
        const numeric = ((await at(h)) - (await at(-h))) / (2 * h);
        tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
        expect(Math.abs(numeric - analytic[j]), `${names[i]}[${j}]`).toBeLessThan(
          5e-4 + 5e-3 * Math.abs(analytic[j]),
        );
      }
      expect(Math.abs(analytic[largest]), names[i]).toBeGreaterThan(1e-3);
    }
    tf.dispose([weights, ...Object.values(grads)]);
  });

  it("the base weights get no gradient under LoRA", async () => {
    const model = await load();
    addLora(model.params, model.config, { rank: 2, alpha: 2 }, 5);
    const w = model.params.get("text_model.encoder.layers.0.self_attn.q_proj.weight") as tf.Variable;
    const a = model.params.get("text_model.encoder.layers.0.self_attn.q_proj.lora_A") as tf.Variable;
    const { grads, value } = tf.variableGrads(() => {
      const { inputIds, shape } = model.tokenizer.encode(TEXTS);
      const f = encodeTextTokens(model.params, model.config, {
        ids: inputIds,
        batch: shape[0],
        length: shape[1],
      });
      return tf.sum(tf.square(f.features)) as tf.Scalar;
    }, [w, a]);
    expect(grads[w.name]).toBeUndefined();
    expect(grads[a.name]).toBeDefined();
    tf.dispose([value, ...Object.values(grads)]);
  });
});
