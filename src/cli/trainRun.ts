import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setImmediate as nextMacrotask } from "node:timers/promises";
import { disposeClip, exportClipFiles, type LoadedClip, loadClip } from "../core/clip/index.js";
import { loadTrainData } from "../core/data/sources.js";
import { type BenchmarkResult, runBenchmark } from "../core/eval/benchmark.js";
import { shapesBenchmarkExamples } from "../core/eval/shapesHeldout.js";
import { decodeCheckpoint, encodeCheckpoint } from "../core/train/checkpoint.js";
import type { TrainConfig } from "../core/train/config.js";
import { metricsToCsv, parseMetricsCsv } from "../core/train/metricsCsv.js";
import { type StepMetrics, Trainer } from "../core/train/trainer.js";
import { selectNodeBackend } from "./backend.js";
import { readModelFolder } from "./files.js";

/** Everything a CLI training run needs, validated (see parseTrainArgs). */
export interface TrainRunOptions {
  modelDir: string;
  /** A training data spec of src/core/data/sources.ts, e.g. "shapes-train". */
  data: string;
  dataSize: number;
  outDir: string;
  backend: string;
  resume: boolean;
  /** Held-out examples per evaluation (shapes-heldout). */
  evalN: number;
  /** Read metrics back and print a progress line every n steps. */
  logEvery: number;
  config: TrainConfig;
}

export interface TrainRunHooks {
  /** Stops after the current step; the run writes a checkpoint and its files so far. */
  signal?: AbortSignal;
  /** Called after every step with the number of steps done. */
  onStep?: (stepsDone: number) => void;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface HeldoutEval {
  step: number;
  r1_i2t: number;
  r5_i2t: number;
  r1_t2i: number;
  r5_t2i: number;
  perType: Record<string, number | null>;
}

export interface TrainSummary {
  out: string;
  steps: number;
  resumedFromStep: number | null;
  interrupted: boolean;
  seconds: number;
  stepsPerSecond: number;
  finalLoss: number | null;
  finalEval: HeldoutEval | null;
}

export const CHECKPOINT_FILE = "checkpoint.safetensors";
const EVAL_SEED = 0;
const EVAL_CANDIDATES = 100;

// metrics.csv parsing lives in core (the app imports finished runs with it); re-exported for the CLI.
export { parseMetricsCsv };

/** Writes via a temporary file, so an interrupted write never leaves half a checkpoint. */
function writeAtomically(path: string, bytes: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

/** The first training setting (other than the eval/checkpoint cadence) that differs, if any. */
function differingSetting(a: TrainConfig, b: TrainConfig): string | undefined {
  const sorted = (v: unknown) =>
    JSON.stringify(v, (_k, x) =>
      x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
    );
  const ignore = new Set(["evalEvery", "checkpointEvery"]);
  return (Object.keys(a) as (keyof TrainConfig)[]).find(
    (k) => !ignore.has(k) && sorted(a[k]) !== sorted(b[k]),
  );
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function toEval(step: number, r: BenchmarkResult): HeldoutEval {
  return { step, r1_i2t: r.r1_i2t, r5_i2t: r.r5_i2t, r1_t2i: r.r1_t2i, r5_t2i: r.r5_t2i, perType: r.perType };
}

function evalLine(e: HeldoutEval): string {
  const types = Object.entries(e.perType)
    .map(([name, acc]) => `${name} ${acc === null ? "-" : acc.toFixed(3)}`)
    .join(" ");
  return `eval @ step ${e.step}: R@1 i2t ${e.r1_i2t.toFixed(3)} t2i ${e.r1_t2i.toFixed(3)} | ${types}`;
}

/**
 * Trains with the same Trainer as the app, in Node: progress on stderr, held-out
 * evaluations, checkpoints, and an HF model folder + metrics.csv + run.json in `outDir`.
 */
export async function runTraining(
  options: TrainRunOptions,
  hooks: TrainRunHooks = {},
): Promise<TrainSummary> {
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { config, outDir } = options;
  const started = performance.now();
  const checkpointPath = join(outDir, CHECKPOINT_FILE);
  const metricsPath = join(outDir, "metrics.csv");
  if (options.resume && !existsSync(checkpointPath))
    throw new Error(`--resume: no checkpoint at ${checkpointPath}`);
  const backend = await selectNodeBackend(options.backend);
  const model: LoadedClip = await loadClip(readModelFolder(options.modelDir), { trainable: true });
  let trainer: Trainer | undefined;
  try {
    const imageSize = model.config.vision_config.image_size;
    const source = await loadTrainData(options.data, {
      size: options.dataSize,
      seed: config.seed,
      imageSize,
    });
    trainer = new Trainer(model.params, model.config, model.tokenizer, source, config);
    const rows: StepMetrics[] = [];
    let resumedFromStep: number | null = null;
    if (options.resume) {
      const ckpt = decodeCheckpoint(new Uint8Array(readFileSync(checkpointPath)));
      const differs = differingSetting(ckpt.config, config);
      if (differs)
        throw new Error(
          `--resume: "${differs}" differs from the checkpoint's (${JSON.stringify(ckpt.config[differs as keyof TrainConfig])}); resume with the same options`,
        );
      trainer.restore(ckpt);
      resumedFromStep = ckpt.step;
      if (existsSync(metricsPath))
        rows.push(...parseMetricsCsv(readFileSync(metricsPath, "utf8")).filter((r) => r.step < ckpt.step));
      log(`resuming from step ${ckpt.step} of ${config.steps}`);
    } else if (existsSync(checkpointPath)) {
      log(`starting fresh: ${checkpointPath} will be replaced (use --resume to continue it)`);
    }
    await trainer.prepare(); // image negatives: the visual dictionary (a restored one is kept)
    mkdirSync(outDir, { recursive: true });
    log(
      `training ${trainer.trainableParameterCount.toLocaleString("en-US")} parameters with ${config.objective} ` +
        `on ${options.data} (${options.dataSize} examples), ${config.steps} steps of ${config.batchSize}, ${backend}`,
    );

    const heldout = shapesBenchmarkExamples({
      split: "heldout",
      n: options.evalN,
      seed: EVAL_SEED,
      imageSize,
    });
    const evals: HeldoutEval[] = [];
    let evalSeconds = 0;
    const active = trainer;
    const readBack = async () => {
      rows.push(...(await active.readMetrics()));
    };
    const saveCheckpoint = async () => {
      await readBack();
      writeAtomically(checkpointPath, encodeCheckpoint(await active.checkpoint()));
      // The CSV on disk always matches the checkpoint, so --resume keeps the whole history.
      writeAtomically(metricsPath, metricsToCsv(rows));
    };

    const firstStep = trainer.stepsDone;
    const loopStarted = performance.now();
    let interrupted = false;
    while (trainer.stepsDone < config.steps) {
      if (hooks.signal?.aborted) {
        interrupted = true;
        break;
      }
      trainer.step();
      const done = trainer.stepsDone;
      hooks.onStep?.(done);
      const last = done === config.steps;
      if (done % options.logEvery === 0 || last) {
        await readBack();
        const m = rows[rows.length - 1];
        const perStep = (performance.now() - loopStarted) / 1000 / (done - firstStep);
        log(
          `step ${done}/${config.steps} loss ${m.loss.toFixed(4)} lr ${m.lr.toExponential(2)} ` +
            `grad ${m.gradNorm.toFixed(3)} | ${perStep.toFixed(2)} s/step, ETA ${formatDuration(perStep * (config.steps - done))}`,
        );
      }
      if (config.checkpointEvery > 0 && (done % config.checkpointEvery === 0 || last)) await saveCheckpoint();
      if (config.evalEvery > 0 && (done % config.evalEvery === 0 || last)) {
        const evalStarted = performance.now();
        const result = toEval(done, await runBenchmark(model, heldout, { candidates: EVAL_CANDIDATES }));
        evalSeconds += (performance.now() - evalStarted) / 1000;
        evals.push(result);
        log(evalLine(result));
      }
      // A macrotask between steps lets SIGINT reach the abort signal during synchronous wasm work.
      await nextMacrotask();
    }
    const loopSeconds = (performance.now() - loopStarted) / 1000;
    if (interrupted) {
      await saveCheckpoint();
      log(`interrupted at step ${trainer.stepsDone}: checkpoint written, continue with --resume`);
    } else await readBack();

    const files = await exportClipFiles(model, {
      format: "pt",
      trained_by: "HardNeg Lab cli train",
      steps: String(trainer.stepsDone),
    });
    for (const [name, bytes] of files) writeFileSync(join(outDir, name), bytes);
    writeFileSync(metricsPath, metricsToCsv(rows));
    const stepsThisRun = trainer.stepsDone - firstStep;
    const trainingSeconds = Math.max(1e-9, loopSeconds - evalSeconds);
    const finalMetrics = rows.length > 0 ? rows[rows.length - 1] : null;
    const finalEval = evals.length > 0 ? evals[evals.length - 1] : null;
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    const stepsPerSecond = Number((stepsThisRun / trainingSeconds).toFixed(4));
    const runRecord = {
      command: "train",
      model: options.modelDir,
      data: options.data,
      dataSize: options.dataSize,
      out: outDir,
      backend,
      resume: options.resume,
      evalN: options.evalN,
      logEvery: options.logEvery,
      config,
      objectiveOptionsResolved: trainer.objectiveOptions,
      trainableParameters: trainer.trainableParameterCount,
      stepsDone: trainer.stepsDone,
      resumedFromStep,
      interrupted,
      stepsThisRun,
      seconds,
      evalSeconds: Number(evalSeconds.toFixed(2)),
      stepsPerSecond,
      finalMetrics,
      finalEval,
      evals,
      finishedAt: new Date().toISOString(),
    };
    writeFileSync(join(outDir, "run.json"), `${JSON.stringify(runRecord, null, 2)}\n`);
    return {
      out: outDir,
      steps: trainer.stepsDone,
      resumedFromStep,
      interrupted,
      seconds,
      stepsPerSecond,
      finalLoss: finalMetrics ? finalMetrics.loss : null,
      finalEval,
    };
  } finally {
    trainer?.dispose();
    disposeClip(model);
  }
}
