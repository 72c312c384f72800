/**
 * Training-step benchmark: ms per CE-CLIP step (B images, B captions, 4B negatives; forward,
 * gradients, AdamW), kernels per step, analytic FLOPs and GFLOP/s, for the fixture model and a
 * ~2M-parameter CLIP, on wasm and cpu in Node and on WebGPU in headless Chromium. Prints a
 * markdown table and writes bench/results.json.
 *
 *   npm run bench [-- --steps 20] [--warmup 3] [--full] [--build]
 *                 [--backends wasm,cpu,webgpu] [--models fixture,small] [--batches 16,64]
 *                 [--out bench/results.json]
 *   npm run bench -- --load [--eval-images 512] [--probe-repeats 20] [--memory-steps 1000]
 *                 [--train-seconds 20] [--chart-points 100000] [--no-browser] [--rebuild]
 *                 [--load-dir /tmp/perf-dist] [--load-port 4195] [--load-out bench/load-results.json]
 *
 * --load runs only the "load" section (scripts/bench/load.ts): evaluation throughput, probe
 * latency, memory after many steps, main-thread long tasks while training, chart at 100k points.
 *
 * No GPU here: WebGPU is SwiftShader, so by default it runs only the fixture model with
 * fewer steps (--full runs every case with the full step counts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { parseClipConfig } from "../src/core/clip/config.js";
import { NEGATIVE_TYPES } from "../src/core/data/shapesWorld/negatives.js";
import type { StepBenchResult, StepBenchSpec } from "../src/core/train/benchStep.js";
import { trainingStepFlops } from "./bench/flops.js";
import { runLoadSection } from "./bench/load.js";
import { loadTable } from "./bench/loadStats.js";
import { type BenchModel, defaultModel, fixtureModel, smallModel } from "./bench/models.js";
import { runNodeCase } from "./bench/nodeRunner.js";
import { BENCH_BACKENDS, BENCH_BATCHES, type BenchBackend, type BenchCase, planCases } from "./bench/plan.js";
import { type BenchRow, markdownTable } from "./bench/report.js";
import { ensureBuild, openWebgpuSession, type WebgpuSession } from "./bench/webgpu.js";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "20" },
    warmup: { type: "string", default: "3" },
    full: { type: "boolean", default: false },
    build: { type: "boolean", default: false },
    backends: { type: "string", default: BENCH_BACKENDS.join(",") },
    models: { type: "string", default: "default,small" },
    batches: { type: "string", default: BENCH_BATCHES.join(",") },
    out: { type: "string", default: "bench/results.json" },
    load: { type: "boolean", default: false },
    "eval-images": { type: "string", default: "512" },
    "probe-repeats": { type: "string", default: "20" },
    "memory-steps": { type: "string", default: "1000" },
    "load-batch": { type: "string", default: "8" },
    "train-seconds": { type: "string", default: "20" },
    "chart-points": { type: "string", default: "100000" },
    "no-browser": { type: "boolean", default: false },
    rebuild: { type: "boolean", default: false },
    "load-dir": { type: "string", default: "/tmp/perf-dist" },
    "load-port": { type: "string", default: "4195" },
    "load-out": { type: "string", default: "bench/load-results.json" },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);

function positiveInt(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return n;
}

function modelConfig(model: BenchModel) {
  const spec = model.spec;
  if (spec.kind === "scratch") return parseClipConfig(spec.config);
  return parseClipConfig(Buffer.from(spec.files["config.json"], "base64").toString("utf8"));
}

function toRow(c: BenchCase, result?: StepBenchResult, failure?: string): BenchRow {
  const gflopPerStep =
    trainingStepFlops(modelConfig(c.model), c.batchSize, NEGATIVE_TYPES.length).totalFlops / 1e9;
  const medianMs = result ? result.medianMs : null;
  return {
    model: c.model.label,
    backend: c.backend,
    batchSize: c.batchSize,
    parameters: result ? result.parameters : null,
    warmupSteps: c.warmupSteps,
    timedSteps: c.timedSteps,
    msPerStep: result ? result.msPerStep.map((ms) => Number(ms.toFixed(1))) : [],
    medianMs: medianMs === null ? null : Number(medianMs.toFixed(1)),
    kernels: result ? result.kernels : null,
    dispatches: result ? result.dispatches : null,
    ...(c.fused === undefined ? {} : { fused: c.fused }),
    gflopPerStep: Number(gflopPerStep.toFixed(4)),
    gflops: medianMs === null ? null : Number((gflopPerStep / (medianMs / 1000)).toFixed(3)),
    tensorsFlat: result ? result.tensorsAfterWarmup === result.tensorsAfterTimed : null,
    ...(c.note ? { note: c.note } : {}),
    ...(c.skip ? { skipped: c.skip } : {}),
    ...(failure ? { error: failure } : {}),
  };
}

const specOf = (c: BenchCase): StepBenchSpec => ({
  model: c.model.spec,
  batchSize: c.batchSize,
  warmupSteps: c.warmupSteps,
  timedSteps: c.timedSteps,
  profile: true,
  ...(c.fused === undefined ? {} : { fused: c.fused }),
});

/** `--load`: the load section alone (scripts/bench/load.ts), its table on stdout. */
async function mainLoad() {
  const started = { date: new Date().toISOString(), loadAverage: loadavg().map((v) => Number(v.toFixed(2))) };
  log(`bench --load: load average ${started.loadAverage.join(", ")}`);
  const { rows, raw } = await runLoadSection({
    evalImages: positiveInt("eval-images", values["eval-images"], 1),
    probeRepeats: positiveInt("probe-repeats", values["probe-repeats"], 1),
    memorySteps: positiveInt("memory-steps", values["memory-steps"], 11),
    batchSize: positiveInt("load-batch", values["load-batch"], 1),
    trainSeconds: positiveInt("train-seconds", values["train-seconds"], 1),
    chartPoints: positiveInt("chart-points", values["chart-points"], 2),
    browser: !values["no-browser"],
    outDir: values["load-dir"],
    port: positiveInt("load-port", values["load-port"], 1),
    rebuild: values.rebuild,
    log,
  });
  const environment = {
    ...started,
    loadAverageAtEnd: loadavg().map((v) => Number(v.toFixed(2))),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    tfjs: tf.version.tfjs,
  };
  mkdirSync(dirname(values["load-out"]), { recursive: true });
  writeFileSync(values["load-out"], `${JSON.stringify({ environment, rows, raw }, null, 2)}\n`);
  const lines = [
    `${environment.date}: Node ${environment.node}, tfjs ${environment.tfjs}, ${environment.cores} x ${environment.cpu}, load average (1/5/15 min) ${environment.loadAverage.join(", ")} at start, ${environment.loadAverageAtEnd.join(", ")} at end`,
    "",
    loadTable(rows),
    "",
    `wrote ${values["load-out"]}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function main() {
  if (values.load) return mainLoad();
  const timedSteps = positiveInt("steps", values.steps, 1);
  const warmupSteps = positiveInt("warmup", values.warmup, 0);
  const backends = values.backends.split(",").filter(Boolean) as BenchBackend[];
  for (const b of backends) if (!BENCH_BACKENDS.includes(b)) throw new Error(`unknown backend "${b}"`);
  const builders = { default: defaultModel, fixture: fixtureModel, small: smallModel };
  const models = values.models.split(",").map((id) => {
    if (!(id in builders)) throw new Error(`unknown model "${id}" (default, fixture, small)`);
    return builders[id as keyof typeof builders]();
  });
  const batches = values.batches.split(",").map((b) => positiveInt("batches", b, 1));
  const cases = planCases(models, backends, { warmupSteps, timedSteps, full: values.full, batches });
  const environment: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    // Other work on the machine skews timings: recorded with the results.
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    tfjs: tf.version.tfjs,
  };
  log(`bench: ${cases.filter((c) => !c.skip).length} cases, load average ${environment.loadAverage1m}`);
  const rows: BenchRow[] = [];
  const pathOf = (c: BenchCase) => (c.fused === undefined ? "" : c.fused ? " fused" : " straightforward");
  /** One measurement giving a result per case (WebGPU: the fused/straightforward pair, interleaved). */
  const runCases = async (cs: BenchCase[], run: (spec: StepBenchSpec) => Promise<StepBenchResult[]>) => {
    const c = cs[0];
    log(
      `  ${c.backend}${cs.map(pathOf).join(" +")} ${c.model.id} B=${c.batchSize}: ${c.warmupSteps} warm-up + ${c.timedSteps} timed steps...`,
    );
    try {
      const results = await run(specOf(c));
      cs.forEach((ci, i) => {
        const row = toRow(ci, results[i]);
        log(
          `   ${pathOf(ci)} ${row.medianMs} ms/step, ${row.kernels} kernels, ${row.dispatches ?? "-"} dispatches`,
        );
        rows.push(row);
      });
    } catch (e) {
      const message = (e as Error).message.split("\n")[0];
      log(`    failed: ${message}`);
      for (const ci of cs) rows.push(toRow(ci, undefined, message));
    }
  };
  const runCase = (c: BenchCase, run: (spec: StepBenchSpec) => Promise<StepBenchResult>) =>
    runCases([c], async (spec) => [await run(spec)]);

  for (const c of cases.filter((c) => c.backend !== "webgpu")) {
    if (c.skip) rows.push(toRow(c));
    else
      await runCase(c, async (spec) => {
        const { result, wasm } = await runNodeCase(c.backend, spec);
        if (wasm) environment.wasm = wasm;
        return result;
      });
  }

  const gpuCases = cases.filter((c) => c.backend === "webgpu");
  if (gpuCases.some((c) => !c.skip)) {
    let session: WebgpuSession | undefined;
    try {
      ensureBuild(values.build, log);
      session = await openWebgpuSession();
      environment.webgpu = { browser: session.browserVersion, adapter: session.adapter };
      log(`webgpu: Chromium ${session.browserVersion}, adapter ${JSON.stringify(session.adapter)}`);
    } catch (e) {
      environment.webgpu = { error: (e as Error).message.split("\n")[0] };
      log(`webgpu unavailable: ${(environment.webgpu as { error: string }).error}`);
    }
    for (const c of gpuCases) {
      if (c.skip) rows.push(toRow(c));
      else if (c.fused === false)
        continue; // measured with its fused twin, below
      else {
        const pair = [
          c,
          ...gpuCases.filter((t) => t.fused === false && t.model === c.model && t.batchSize === c.batchSize),
        ];
        if (!session) for (const p of pair) rows.push(toRow(p, undefined, "WebGPU session did not start"));
        else await runCases(pair, session.runFusedPair);
      }
    }
    await session?.close();
  } else for (const c of gpuCases) rows.push(toRow(c));

  const order = (r: BenchRow) => BENCH_BACKENDS.indexOf(r.backend);
  rows.sort((a, b) => order(a) - order(b));
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ environment, settings: { timedSteps, warmupSteps, full: values.full }, rows }, null, 2)}\n`,
  );

  const wasm = environment.wasm as { simd: boolean; threads: boolean } | undefined;
  const gpu = environment.webgpu as
    | { browser?: string; adapter?: Record<string, unknown>; error?: string }
    | undefined;
  const lines = [
    `Node ${environment.node}, tfjs ${environment.tfjs}, ${environment.cores} x ${environment.cpu}, load average ${environment.loadAverage1m} at start`,
    ...(wasm ? [`wasm: SIMD ${wasm.simd}, threads ${wasm.threads}`] : []),
    ...(gpu
      ? [
          gpu.error
            ? `webgpu: unavailable (${gpu.error})`
            : `webgpu: Chromium ${gpu.browser}, adapter ${JSON.stringify(gpu.adapter)}`,
        ]
      : []),
    `One CE-CLIP step: B images, B captions, ${NEGATIVE_TYPES.length}B negatives; median of the timed steps; kernels from tf.profile of one more step (dispatches: the GPU programs it launched); FLOPs counted from the config (scripts/bench/flops.ts). WebGPU runs each case on the fused kernels and on the straightforward tfjs ops (src/core/clip/kernels).`,
    "",
    markdownTable(rows),
    "",
    `wrote ${values.out}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${(e as Error).message.split("\n")[0]}\n`);
  process.exitCode = 1;
});
