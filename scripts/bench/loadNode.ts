/**
 * The Node part of the "load" section of `npm run bench`, in its own process on tfjs wasm
 * (a fresh wasm heap, as nodeCase.ts): `--job eval|probe|memory`, prints one JSON line.
 *   eval:   images/s of the held-out benchmark pass (src/core/eval/benchmark.ts), default model
 *   probe:  ms of one probe call (compareBaseCurrent: caption + negatives vs one image, base and current)
 *   memory: live tensors and bytes after step 10 and step N of Trainer.step() at a small batch
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { selectNodeBackend } from "../../src/cli/backend.js";
import { disposeClip } from "../../src/core/clip/index.js";
import { recordAt, renderScene } from "../../src/core/data/shapesWorld/index.js";
import { runBenchmark } from "../../src/core/eval/benchmark.js";
import { shapesBenchmarkExamples } from "../../src/core/eval/shapesHeldout.js";
import { createStepTimer, loadBenchModel } from "../../src/core/train/benchStep.js";
import { compareBaseCurrent } from "../../src/worker/probeApi.js";
import { type MemorySample, summarize } from "./loadStats.js";
import { defaultModel } from "./models.js";

const { values } = parseArgs({
  options: {
    job: { type: "string" },
    images: { type: "string", default: "512" },
    repeats: { type: "string", default: "20" },
    steps: { type: "string", default: "1000" },
    batch: { type: "string", default: "8" },
  },
});

/** The app's default model, as the step benchmark loads it (scripts/bench/models.ts). */
const loadDefault = () => loadBenchModel(defaultModel().spec);

async function evalThroughput(images: number) {
  const model = await loadDefault();
  const imageSize = model.config.vision_config.image_size;
  // One small pass first: kernel set-up and allocation are not throughput.
  await runBenchmark(model, shapesBenchmarkExamples({ n: 64, seed: 1, imageSize }));
  const data = shapesBenchmarkExamples({ n: images, seed: 0, imageSize });
  const started = performance.now();
  await runBenchmark(model, data);
  const seconds = (performance.now() - started) / 1000;
  disposeClip(model);
  return { images, seconds, imagesPerSecond: images / seconds, negativeTypes: data.negativeTypeNames.length };
}

async function probeLatency(repeats: number) {
  const base = await loadDefault();
  const current = await loadDefault();
  const record = recordAt("heldout", 0, 0);
  const image = renderScene(record.scene, current.config.vision_config.image_size);
  const texts = [record.caption, ...record.negatives.filter((_, k) => record.negativeMask[k] === 1)];
  const times: number[] = [];
  for (let i = 0; i < repeats + 2; i++) {
    const started = performance.now();
    await compareBaseCurrent(base, current, image, texts);
    if (i >= 2) times.push(performance.now() - started); // two warm-up calls
  }
  disposeClip(base);
  disposeClip(current);
  return { texts: texts.length, ...summarize(times) };
}

async function memoryOverSteps(steps: number, batch: number) {
  const model = await loadDefault();
  const { trainer, timeStep } = createStepTimer(model, batch);
  const samples: MemorySample[] = [];
  const times: number[] = [];
  const sample = (step: number) => {
    const m = tf.memory();
    samples.push({ step, numTensors: m.numTensors, numBytes: m.numBytes });
  };
  for (let step = 1; step <= steps; step++) {
    times.push(await timeStep());
    if (step === 10 || step === steps) sample(step);
    if (step % 100 === 0) process.stderr.write(`    memory: step ${step}/${steps}\n`);
  }
  trainer.dispose();
  disposeClip(model);
  return { batch, samples, msPerStep: summarize(times.slice(10)) };
}

await selectNodeBackend("wasm");
const job = values.job;
const result =
  job === "eval"
    ? await evalThroughput(Number(values.images))
    : job === "probe"
      ? await probeLatency(Number(values.repeats))
      : job === "memory"
        ? await memoryOverSteps(Number(values.steps), Number(values.batch))
        : undefined;
if (!result) throw new Error(`unknown --job "${job}" (eval, probe, memory)`);
process.stdout.write(`${JSON.stringify(result)}\n`);
