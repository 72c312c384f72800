/** The rows of the load section's table from the measured numbers (pure: unit-tested). */
import type { ChartTiming, TrainingLongTasks } from "./loadBrowser.js";
import {
  formatBytes,
  type LoadRow,
  type MemorySample,
  memoryIsFlat,
  type Summary,
  summarize,
} from "./loadStats.js";

export const ms = (v: number) => `${v.toFixed(1)} ms`;

export function trainingRows(t: TrainingLongTasks): LoadRow[] {
  const walls = summarize(t.longTasks.map((l) => l.wallMs));
  const cpus = t.longTasks.flatMap((l) => (l.cpuMs === undefined ? [] : [l.cpuMs]));
  const result =
    walls.count === 0
      ? `0 long tasks (${t.tasks} main-thread tasks, max CPU ${ms(t.maxCpuMs)})`
      : `${walls.count} long tasks: max ${ms(walls.max)} wall clock, max ${ms(Math.max(0, ...cpus))} CPU; ${t.tasks} main-thread tasks, max CPU ${ms(t.maxCpuMs)}`;
  return [
    {
      measure: "main-thread long tasks while training",
      where: `Chromium (app preview build), ${t.backend} in the worker`,
      result,
      how: `PerformanceObserver("longtask") + Chromium trace over ${t.seconds} s of training at batch ${t.batchSize} (${t.stepsDone} steps in the window)`,
    },
  ];
}

export function chartRows(c: ChartTiming): LoadRow[] {
  const down: Summary = summarize(c.downsampleMs);
  const render = summarize(c.renderMs);
  const sync = summarize(c.syncRenderMs);
  const points = c.points.toLocaleString("en-US");
  return [
    {
      measure: `loss chart downsampling, ${points} points`,
      where: "Chromium",
      result: `${ms(down.median)} median (max ${ms(down.max)})`,
      how: `buildRows (EMA ${c.smoothing} + LTTB) of 4 series to ${c.rows} rows, ${down.count} runs`,
    },
    {
      measure: `loss chart render, ${points} points`,
      where: "Chromium",
      result: `${ms(render.median)} median (max ${ms(render.max)}); synchronous part ${ms(sync.median)}`,
      how: `mount of the app's LossChart (recharts) until its curves are in the DOM, ${render.count} runs`,
    },
  ];
}

export function memoryRows(m: { batch: number; samples: MemorySample[]; msPerStep: Summary }): LoadRow[] {
  const [early, late] = m.samples;
  return [
    {
      measure: `memory after ${late.step.toLocaleString("en-US")} steps`,
      where: "Node, tfjs wasm",
      result: `step ${early.step}: ${early.numTensors} tensors, ${formatBytes(early.numBytes)}; step ${late.step}: ${late.numTensors} tensors, ${formatBytes(late.numBytes)} (${memoryIsFlat(early, late) ? "flat" : "GREW"})`,
      how: `tf.memory() in a loop of Trainer.step() + readMetrics, default model, CE-CLIP, batch ${m.batch} (${ms(m.msPerStep.median)}/step median)`,
    },
  ];
}
