/**
 * `npm run reproduce`: fine-tunes the default model with every objective and the CE-CLIP
 * ablation on the shapes world (same seed, steps and batch for all), evaluates each on the
 * held-out split, prints a markdown table and writes reproduce/results.json.
 *
 *   npm run reproduce [-- --steps 2500 --decay-steps 3000 --batch 64 --parallel 2 --n 500]
 *                    [--finetune-scenes two-objects|world] [--extended] [--only ceclip,negclip]
 *                    [--seed 0] [--train-seed S] [--dir reproduce]
 *
 * `--seed` draws the held-out benchmark and, unless `--train-seed` is given, the fine-tuning
 * scenes and their order. `--train-seed` changes only the latter: the same rows on another
 * scene order, scored on the same held-out scenes (write them elsewhere with `--dir`).
 *
 * Runs are independent processes (tfjs wasm is single-threaded here), `--parallel` at a time.
 * One run alone: `npx tsx scripts/reproduce.ts --run ceclip --out <file>`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sceneMixOptions } from "../src/core/data/shapesWorld/source.js";
import { SHAPES_FINETUNE_SETTINGS as S, SHAPES_CURE_OBJECTIVE } from "../src/core/train/recipes.js";

interface RunSpec {
  name: string;
  label: string;
  objective?: string;
  objectiveOptions?: Record<string, unknown>;
  /** Rows of the later objectives: only with --extended (the default table fits 45 minutes). */
  extended?: true;
}

/** Every row of the table; `base` is evaluated without training. */
const RUNS: RunSpec[] = [
  { name: "base", label: "Base model (CLIP loss, no negatives)" },
  { name: "clip", label: "+ CLIP fine-tuning (no negatives)", objective: "clip" },
  { name: "negclip", label: "+ NegCLIP = ITC+HN", objective: "negclip" },
  { name: "itc_hn_imc", label: "+ ITC+HN+IMC", objective: "ceclip", objectiveOptions: { cmrWeight: 0 } },
  {
    name: "itc_hn_cmr",
    label: "+ ITC+HN+CMR (adaptive)",
    objective: "ceclip",
    objectiveOptions: { imcWeight: 0 },
  },
  { name: "ceclip", label: "+ CE-CLIP, all terms (adaptive)", objective: "ceclip" },
  {
    name: "ceclip_fixed2",
    label: "+ CE-CLIP, fixed threshold 2",
    objective: "ceclip",
    objectiveOptions: { thresholdType: "fixed", fixedThreshold: 2 },
  },
  // The app's "shapes-world cure" recipe (src/core/train/recipes.ts).
  { name: "ceclip_fixed10", label: "+ CE-CLIP, fixed threshold 10", ...SHAPES_CURE_OBJECTIVE },
  {
    name: "fscclip",
    label: "+ FSC-CLIP (global + token-level, calibrated)",
    objective: "fscclip",
    extended: true,
  },
  { name: "degla", label: "+ DeGLA (EMA-teacher distillation)", objective: "degla", extended: true },
  {
    name: "ceclip_imageneg",
    label: "+ CE-CLIP + image-side negatives (NAS)",
    objective: "ceclip+imageneg",
    extended: true,
  },
  {
    name: "ceclip_keywords",
    label: "+ CE-CLIP + keyword prediction (SIMLA)",
    objective: "ceclip+keywords",
    extended: true,
  },
];

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: String(S.steps) },
    "decay-steps": { type: "string", default: String(S.decaySteps) },
    batch: { type: "string", default: String(S.batchSize) },
    lr: { type: "string", default: String(S.lr) },
    seed: { type: "string", default: "0" },
    "train-seed": { type: "string" },
    dir: { type: "string", default: "reproduce" },
    n: { type: "string", default: "500" },
    parallel: { type: "string", default: "2" },
    model: { type: "string", default: "public/models/shapes-clip" },
    run: { type: "string" },
    out: { type: "string" },
    only: { type: "string" },
    extended: { type: "boolean", default: false },
    "finetune-scenes": { type: "string", default: S.scenes },
  },
});

/** The fine-tuning scenes' seed (their draw and order): --train-seed, else --seed. */
const trainSeed = Number(values["train-seed"] ?? values.seed);

interface RunResult {
  name: string;
  label: string;
  seconds: number;
  result: {
    n: number;
    perType: Record<string, number | null>;
    r1_i2t: number;
    r5_i2t: number;
    r1_t2i: number;
    r5_t2i: number;
  };
  finalThresholds?: number[];
}

/** One run in this process: train (unless base), then benchmark on the held-out split. */
async function runOne(spec: RunSpec, outFile: string) {
  const tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  const { loadClip } = await import("../src/core/clip/index.js");
  const { readModelFolder } = await import("../src/cli/files.js");
  const { shapesExampleSource } = await import("../src/core/data/shapesWorld/source.js");
  const { parseTrainConfig } = await import("../src/core/train/config.js");
  const { Trainer } = await import("../src/core/train/trainer.js");
  const { runBenchmark } = await import("../src/core/eval/benchmark.js");
  const { shapesBenchmarkExamples } = await import("../src/core/eval/shapesHeldout.js");
  await tf.setBackend("wasm");
  const started = performance.now();
  const model = await loadClip(readModelFolder(values.model), { trainable: true });
  const imageSize = model.config.vision_config.image_size;
  const steps = Number(values.steps);
  let finalThresholds: number[] | undefined;
  if (spec.objective) {
    const batchSize = Number(values.batch);
    const source = shapesExampleSource({
      split: "train",
      seed: trainSeed, // as the app and the CLI seed theirs: the app trains on these very scenes
      size: steps * batchSize,
      imageSize,
      // Fine-tuning scenes: "two-objects" (default) or "world" (SCENE_MIXES); the benchmark
      // always uses the world's own mix.
      options: sceneMixOptions(values["finetune-scenes"]),
    });
    const config = parseTrainConfig({
      objective: spec.objective,
      objectiveOptions: spec.objectiveOptions ?? {},
      steps,
      decaySteps: Number(values["decay-steps"]),
      batchSize,
      lr: Number(values.lr),
      warmupSteps: S.warmupSteps,
      seed: trainSeed,
    });
    const trainer = new Trainer(model.params, model.config, model.tokenizer, source, config);
    await trainer.prepare(); // image negatives: the visual dictionary
    for (let s = 0; s < steps; s++) {
      trainer.step();
      if ((s + 1) % 50 === 0) {
        const last = (await trainer.readMetrics()).at(-1)!;
        const perType = (prefix: string) =>
          Object.entries(last.terms)
            .filter(([k]) => k.startsWith(prefix))
            .map(([, v]) => v.toFixed(2));
        const thetas = perType("theta_");
        finalThresholds = thetas.map(Number);
        const curriculum = thetas.length
          ? ` theta ${thetas.join(" ")} gap ${perType("gap_").join(" ")} violated ${perType("violationRate_").join(" ")}`
          : "";
        process.stderr.write(
          `[${spec.name}] step ${s + 1}/${steps} loss ${last.loss.toFixed(4)}${curriculum}\n`,
        );
      }
    }
    await trainer.readMetrics();
    trainer.dispose();
  }
  const data = shapesBenchmarkExamples({
    split: "heldout",
    n: Number(values.n),
    seed: Number(values.seed),
    imageSize,
  });
  const result = await runBenchmark(model, data, { candidates: 100 });
  const out: RunResult = {
    name: spec.name,
    label: spec.label,
    seconds: (performance.now() - started) / 1000,
    result,
    finalThresholds,
  };
  writeFileSync(outFile, JSON.stringify(out));
}

function runChild(spec: RunSpec, outFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ["--import", "tsx", "scripts/reproduce.ts", "--run", spec.name, "--out", outFile];
    for (const key of [
      "steps",
      "decay-steps",
      "batch",
      "lr",
      "seed",
      "train-seed",
      "n",
      "model",
      "finetune-scenes",
    ] as const) {
      if (values[key] !== undefined) args.push(`--${key}`, String(values[key]));
    }
    const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`run ${spec.name} exited with ${code}`)),
    );
  });
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? "–" : x.toFixed(3));

/** The markdown table; rows not run by this call (kept from earlier run files) are marked. */
function table(results: RunResult[], ranNow: Set<string>): string {
  const types = Object.keys(results[0].result.perType);
  const header = `| run | ${types.join(" | ")} | R@1 i2t | R@5 i2t | R@1 t2i | R@5 t2i |`;
  const rule = `|---|${types.map(() => "---").join("|")}|---|---|---|---|`;
  const rows = results.map((r) => {
    const x = r.result;
    const label = ranNow.has(r.name) ? r.label : `${r.label} (earlier run)`;
    return `| ${label} | ${types.map((t) => fmt(x.perType[t])).join(" | ")} | ${fmt(x.r1_i2t)} | ${fmt(x.r5_i2t)} | ${fmt(x.r1_t2i)} | ${fmt(x.r5_t2i)} |`;
  });
  return [header, rule, ...rows].join("\n");
}

async function main() {
  try {
    sceneMixOptions(values["finetune-scenes"]); // a wrong name fails here, not in every run
  } catch (e) {
    console.error(`--finetune-scenes: ${(e as Error).message}`);
    process.exit(2);
  }
  if (!Number.isInteger(trainSeed)) {
    console.error(`--train-seed: expected an integer, got "${values["train-seed"]}"`);
    process.exit(2);
  }
  if (values.run) {
    const spec = RUNS.find((r) => r.name === values.run);
    if (!spec) throw new Error(`unknown run ${values.run} (known: ${RUNS.map((r) => r.name).join(", ")})`);
    await runOne(spec, values.out ?? `reproduce/${spec.name}.json`);
    return;
  }
  const started = performance.now();
  const dir = values.dir;
  mkdirSync(join(dir, "runs"), { recursive: true });
  const selected = values.only
    ? RUNS.filter((r) => values.only!.split(",").includes(r.name))
    : RUNS.filter((r) => values.extended || !r.extended);
  const queue = [...selected];
  const workers = Array.from({ length: Number(values.parallel) }, async () => {
    for (let spec = queue.shift(); spec; spec = queue.shift()) {
      await runChild(spec, join(dir, "runs", `${spec.name}.json`));
    }
  });
  await Promise.all(workers);
  // Rows of earlier runs (--only, or --extended rows from before) stay in the table from their
  // run files, marked "(earlier run)"; the time below counts this call's runs only.
  const results = RUNS.filter((r) => existsSync(join(dir, "runs", `${r.name}.json`))).map(
    (r) => JSON.parse(readFileSync(join(dir, "runs", `${r.name}.json`), "utf8")) as RunResult,
  );
  const minutes = (performance.now() - started) / 60_000;
  const settings = {
    steps: Number(values.steps),
    decaySteps: Number(values["decay-steps"]),
    batch: Number(values.batch),
    lr: Number(values.lr),
    seed: Number(values.seed),
    trainSeed,
    heldoutN: Number(values.n),
    candidates: 100,
    parallel: Number(values.parallel),
    finetuneScenes: values["finetune-scenes"],
    minutes: Number(minutes.toFixed(1)),
  };
  writeFileSync(join(dir, "results.json"), `${JSON.stringify({ settings, results }, null, 2)}\n`);
  console.log(table(results, new Set(selected.map((r) => r.name))));
  console.log(
    `\n${settings.steps} steps (cosine horizon ${settings.decaySteps}), batch ${settings.batch}, lr ${settings.lr}, ` +
      `seed ${settings.seed} (fine-tuning scenes: seed ${settings.trainSeed}, ${settings.finetuneScenes}); held-out n = ${settings.heldoutN}, R@k over 100 candidates; ${minutes.toFixed(1)} minutes in all.`,
  );
}

await main();
