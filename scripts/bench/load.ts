/**
 * The "load" section of `npm run bench` (`npm run bench -- --load`): evaluation throughput,
 * probe latency and memory over many steps on wasm in Node (loadNode.ts, one process per
 * job), main-thread long tasks while the app trains and the loss chart at 100k points in
 * Chromium (loadBrowser.ts). Every figure is measured; a part that fails says so in its row.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { measureInBrowser } from "./loadBrowser.js";
import { chartRows, memoryRows, ms, trainingRows } from "./loadRows.js";
import type { LoadRow, MemorySample, Summary } from "./loadStats.js";

export interface LoadOptions {
  evalImages: number;
  probeRepeats: number;
  memorySteps: number;
  batchSize: number;
  trainSeconds: number;
  chartPoints: number;
  browser: boolean;
  outDir: string;
  port: number;
  rebuild: boolean;
  log: (line: string) => void;
}

export interface LoadResults {
  rows: LoadRow[];
  raw: Record<string, unknown>;
}

/** Runs loadNode.ts with the arguments in a child Node (same tsx loader); its last JSON line. */
function runNodeJob<T>(args: string[], log: (line: string) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, join(import.meta.dirname, "loadNode.ts"), ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
      for (const line of chunk.toString().split("\n")) if (line.startsWith("    memory:")) log(line);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      if (code === 0 && last.startsWith("{")) resolve(JSON.parse(last) as T);
      else {
        const why = stderr.trim().split("\n").filter(Boolean).pop() ?? "no output";
        reject(new Error(`loadNode ${args.join(" ")} ended with ${signal ?? `exit code ${code}`}: ${why}`));
      }
    });
  });
}

const failed = (e: unknown) => `not measured: ${(e as Error).message.split("\n")[0]}`;

async function attempt<T>(
  raw: Record<string, unknown>,
  key: string,
  run: () => Promise<T>,
  row: (value: T) => LoadRow[],
  onError: (message: string) => LoadRow[],
): Promise<LoadRow[]> {
  try {
    const value = await run();
    raw[key] = value;
    return row(value);
  } catch (e) {
    raw[key] = { error: (e as Error).message };
    return onError(failed(e));
  }
}

export async function runLoadSection(o: LoadOptions): Promise<LoadResults> {
  const raw: Record<string, unknown> = {};
  const rows: LoadRow[] = [];
  o.log(`load: evaluation throughput (${o.evalImages} held-out images, wasm in Node)...`);
  rows.push(
    ...(await attempt(
      raw,
      "evalThroughput",
      () =>
        runNodeJob<{ images: number; seconds: number; imagesPerSecond: number }>(
          ["--job", "eval", "--images", String(o.evalImages)],
          o.log,
        ),
      (e) => [
        {
          measure: "evaluation throughput",
          where: "Node, tfjs wasm",
          result: `${e.imagesPerSecond.toFixed(1)} images/s (${e.images} in ${e.seconds.toFixed(1)} s)`,
          how: "runBenchmark on the shapes held-out split, default model, batch 64: render, encode image + caption + 4 negatives, score (after a 64-image warm-up pass)",
        },
      ],
      (why) => [{ measure: "evaluation throughput", where: "Node, tfjs wasm", result: why, how: "" }],
    )),
  );
  o.log(`load: probe latency (${o.probeRepeats} calls)...`);
  rows.push(
    ...(await attempt(
      raw,
      "probeLatency",
      () =>
        runNodeJob<Summary & { texts: number }>(
          ["--job", "probe", "--repeats", String(o.probeRepeats)],
          o.log,
        ),
      (p) => [
        {
          measure: "probe latency",
          where: "Node, tfjs wasm",
          result: `${ms(p.median)} median, p95 ${ms(p.p95)}, max ${ms(p.max)}`,
          how: `compareBaseCurrent (src/worker/probeApi.ts): 1 image x ${p.texts} texts (caption + negatives) on base and current default model, ${p.count} calls after 2 warm-up`,
        },
      ],
      (why) => [{ measure: "probe latency", where: "Node, tfjs wasm", result: why, how: "" }],
    )),
  );
  o.log(`load: memory over ${o.memorySteps} steps at batch ${o.batchSize}...`);
  rows.push(
    ...(await attempt(
      raw,
      "memory",
      () =>
        runNodeJob<{ batch: number; samples: MemorySample[]; msPerStep: Summary }>(
          ["--job", "memory", "--steps", String(o.memorySteps), "--batch", String(o.batchSize)],
          o.log,
        ),
      memoryRows,
      (why) => [
        { measure: `memory after ${o.memorySteps} steps`, where: "Node, tfjs wasm", result: why, how: "" },
      ],
    )),
  );
  if (o.browser) {
    o.log("load: Chromium (long tasks while training, chart at 100k points)...");
    try {
      const b = await measureInBrowser({ ...o, log: o.log });
      raw.browser = b;
      rows.push(
        ...(b.training
          ? trainingRows(b.training)
          : [
              {
                measure: "main-thread long tasks while training",
                where: "Chromium",
                result: `not measured: ${b.trainingError}`,
                how: "",
              },
            ]),
        ...(b.chart
          ? chartRows(b.chart)
          : [
              {
                measure: "loss chart at 100k points",
                where: "Chromium",
                result: `not measured: ${b.chartError}`,
                how: "",
              },
            ]),
      );
    } catch (e) {
      raw.browser = { error: (e as Error).message };
      rows.push({ measure: "Chromium cases", where: "Chromium", result: failed(e), how: "" });
    }
  }
  return { rows, raw };
}
