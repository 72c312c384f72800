import type { Page } from "@playwright/test";

/**
 * Long tasks on the page's main thread, seen two ways: the page's own
 * PerformanceObserver("longtask") (wall-clock, what a user feels) and a Chromium trace of the
 * same window, whose tasks also carry their CPU time. On a machine busy with other work a task
 * can take long on the wall clock while running only a few milliseconds; the CPU time tells
 * whether the page's code blocked the thread or the OS did not schedule it.
 */
export interface LongTask {
  /** ms on the page's performance.now() clock. */
  start: number;
  wallMs: number;
  /** CPU time of the matching trace task; undefined if none matched. */
  cpuMs?: number;
}

export interface MainThreadReport {
  longTasks: LongTask[];
  /** Main-thread tasks in the trace window. */
  tasks: number;
  maxCpuMs: number;
}

/** Starts collecting long tasks from the page's first script on (call before page.goto). */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { hnLongTasks: { start: number; duration: number }[] };
    w.hnLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.hnLongTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  });
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { message?: string } };
}

const MARK = "hardneg-clock";

/** Runs `during` under a trace and returns the long tasks of that window with their CPU time. */
export async function traceMainThread(page: Page, during: () => Promise<void>): Promise<MainThreadReport> {
  // Events reported over CDP (not a stream read at the end, which came back empty once).
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (e) => {
    events.push(...(e.value as unknown as TraceEvent[]));
  });
  const complete = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.start", {
    transferMode: "ReportEvents",
    traceConfig: { includedCategories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] },
  });
  // A trace event at a known performance.now(): maps trace time onto the page's clock.
  const from = await page.evaluate((mark) => {
    const now = performance.now();
    console.timeStamp(mark);
    return now;
  }, MARK);
  await during();
  const to = await page.evaluate(() => performance.now());
  await cdp.send("Tracing.end");
  await complete;
  await cdp.detach();
  const mark = events.find((e) => e.name === "TimeStamp" && e.args?.data?.message === MARK);
  if (!mark) throw new Error(`the trace (${events.length} events) has no clock mark`);
  const offset = mark.ts / 1000 - from;
  const main = events.find(
    (e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && e.pid === mark.pid,
  );
  // Complete events of the page's main thread on its clock; a task is the outermost one.
  const slices = events
    .filter((e) => e.ph === "X" && e.pid === mark.pid && e.tid === main?.tid && e.tdur !== undefined)
    .map((e) => ({
      name: e.name,
      start: e.ts / 1000 - offset,
      wallMs: (e.dur ?? 0) / 1000,
      cpuMs: (e.tdur ?? 0) / 1000,
    }))
    .filter((t) => t.start >= from && t.start <= to);
  const tasks = slices.filter((t) => t.name === "RunTask");
  const observed = await page.evaluate(
    ([a, b]) =>
      (window as unknown as { hnLongTasks: { start: number; duration: number }[] }).hnLongTasks.filter(
        (t) => t.start >= a && t.start <= b,
      ),
    [from, to],
  );
  const longTasks = observed.map((o) => {
    // The outermost trace slice under the observed task (the two clocks agree within a ms).
    const under = slices.filter((t) => t.start <= o.start + 2 && o.start <= t.start + t.wallMs);
    return {
      start: o.start,
      wallMs: o.duration,
      cpuMs: under.length ? Math.max(...under.map((t) => t.cpuMs)) : undefined,
    };
  });
  return { longTasks, tasks: tasks.length, maxCpuMs: Math.max(0, ...tasks.map((t) => t.cpuMs)) };
}
