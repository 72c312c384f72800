import { expect, type Page, test } from "@playwright/test";

/**
 * Faults under a training run of the default model, injected through the worker's test hooks
 * (src/worker/faultHooks.ts, on only with ?testHooks=1): a lost GPU device, a crashed worker,
 * a reload of the tab, a NaN loss and a full disk. Batches of 4, a checkpoint every 2 steps.
 */

type Hooks = {
  testLoseDevice(): Promise<string>;
  testCrash(): Promise<void>;
  testPoisonNextStep(): Promise<void>;
  testStorageFull(on: boolean): Promise<void>;
};

const RUN = "steps=400&batchSize=4&checkpointEvery=2&evalEvery=0&testHooks=1";

async function open(page: Page, backend: "webgpu" | "wasm"): Promise<void> {
  await page.goto(`/?${RUN}&backend=${backend}`);
  await expect(page.getByTestId("model-summary")).toContainText("parameters", { timeout: 120_000 });
}

const stepNow = async (page: Page) => Number(await page.getByTestId("run-step").textContent());

async function stepsReach(page: Page, n: number): Promise<void> {
  await expect.poll(() => stepNow(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(n);
}

function hook<K extends keyof Hooks>(page: Page, name: K, ...args: Parameters<Hooks[K]>) {
  return page.evaluate(
    ([name, args]) => {
      const worker = (
        window as unknown as { hardneg: { worker: Record<string, (...a: unknown[]) => unknown> } }
      ).hardneg.worker;
      return worker[name](...args);
    },
    [name, args] as const,
  );
}

/** After a restart: the notice names the checkpoint step, and the run goes on past it. */
async function expectResumed(page: Page, what: RegExp, noticedWithin = 30_000): Promise<number> {
  const notice = page.getByTestId("recovery-notice");
  await expect(notice).toContainText(what, { timeout: noticedWithin });
  await expect(notice).toContainText(/resumed from its checkpoint at step \d+/, { timeout: 120_000 });
  const step = Number((await notice.textContent())?.match(/at step (\d+)/)?.[1]);
  expect(step % 2).toBe(0); // a checkpoint step
  expect(step).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await stepsReach(page, step + 2);
  return step;
}

test("a lost GPU device: noticed, reported, a fresh device, the run resumes from its checkpoint", async ({
  page,
}) => {
  await open(page, "webgpu");
  await page.getByRole("button", { name: "Start" }).click();
  await stepsReach(page, 3);
  expect(await hook(page, "testLoseDevice")).toBe("destroyed");
  await expectResumed(page, /GPU device was lost \(destroyed/);
  await expect(page.getByTestId("recovery-notice")).toContainText("restarted on webgpu");
  await page.getByRole("button", { name: "Stop" }).click();
});

test("a crashed worker: restarted, the model reloaded, the run resumes from its checkpoint", async ({
  page,
}) => {
  await open(page, "wasm");
  await page.getByRole("button", { name: "Start" }).click();
  await stepsReach(page, 3);
  await hook(page, "testCrash");
  // The uncaught error reaches the page unless the wasm runtime's own handlers take it; then
  // the heartbeat notices the silence (3 missed pings, about 30 s).
  await expectResumed(
    page,
    /worker crashed \(.*test hook: the worker crashed|worker stopped answering/,
    60_000,
  );
  await expect(page.getByTestId("recovery-notice")).toContainText("restarted on wasm");
  await page.getByRole("button", { name: "Stop" }).click();
});

test("a reload mid-run: the run is offered at its checkpointed step and resumes from it", async ({
  page,
}) => {
  await open(page, "wasm");
  await page.getByRole("button", { name: "Start" }).click();
  await stepsReach(page, 5);
  await page.reload();
  const offer = page.getByTestId("resume-offer");
  await expect(offer).toContainText(/interrupted at step \d+ of 400/, { timeout: 60_000 });
  const step = Number((await offer.textContent())?.match(/at step (\d+)/)?.[1]);
  expect(step).toBeGreaterThanOrEqual(4);
  expect(step % 2).toBe(0);
  await expect(page.getByTestId("run-status")).toHaveText("idle");
  const resume = page.getByRole("button", { name: `Resume from step ${step}` });
  await expect(resume).toBeEnabled({ timeout: 120_000 });
  await resume.click();
  await expect(page.getByTestId("recovery-notice")).toContainText(`Resumed the run from step ${step}.`, {
    timeout: 120_000,
  });
  // It counts on from the checkpoint, not from 0.
  expect(await stepNow(page)).toBeGreaterThanOrEqual(step);
  await stepsReach(page, step + 2);
  await expect(offer).toHaveCount(0);
  await page.getByRole("button", { name: "Stop" }).click();
});

test("a NaN loss: the step is skipped, counted and shown; training goes on", async ({ page }) => {
  await open(page, "wasm");
  await page.getByRole("button", { name: "Start" }).click();
  await stepsReach(page, 2);
  await hook(page, "testPoisonNextStep");
  await expect(page.getByTestId("skipped-count")).toHaveText("1", { timeout: 60_000 });
  const at = await stepNow(page);
  await stepsReach(page, at + 3);
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await expect(page.getByTestId("skipped-count")).toHaveText("1");
  await expect(page.getByTestId("skipped-steps")).toContainText(/step \d+/);
  await page.getByRole("button", { name: "Stop" }).click();
});

test("a full disk: a clear message, and training goes on without checkpoints", async ({ page }) => {
  await open(page, "wasm");
  await hook(page, "testStorageFull", true);
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("checkpoint-error")).toContainText(
    "browser storage is full: training continues without checkpoints",
    { timeout: 120_000 },
  );
  const at = await stepNow(page);
  await stepsReach(page, at + 4); // past two more checkpoint steps
  await expect(page.getByTestId("run-status")).toHaveText("running");
  // Space again: the next checkpoint is written and the message goes.
  await hook(page, "testStorageFull", false);
  await expect(page.getByTestId("checkpoint-error")).toHaveCount(0, { timeout: 60_000 });
  await page.getByRole("button", { name: "Stop" }).click();
});
