import { expect, test } from "@playwright/test";
import { openHarness, readFixtureJson } from "./helpers.js";

test("CE-CLIP reference cases 0 and 1 pass on WebGPU (losses, thresholds, gradients)", async ({ page }) => {
  const fixture = readFixtureJson<{ description: string; cases: unknown[] }>("losses/ceclip.json");
  await openHarness(page);
  const result = await page.evaluate(
    async (file) => {
      const { tf, verifyObjectiveCases } = window.harness;
      await tf.setBackend("webgpu");
      await tf.ready();
      return { backend: tf.getBackend(), ...(await verifyObjectiveCases(file)) };
    },
    { ...fixture, cases: fixture.cases.slice(0, 2) },
  );
  expect(result.backend).toBe("webgpu");
  expect(result.cases).toHaveLength(2);
  for (const c of result.cases) {
    expect(c.pass, JSON.stringify(c.details)).toBe(true);
  }
});

test("the worker trains on WebGPU: start, 20 steps, pause, resume, stop, finite metrics", async ({
  page,
}) => {
  // Pinned: the app would otherwise measure the backends and train on the fastest (wasm here).
  await page.goto("/?backend=webgpu");
  await expect(page.getByTestId("backend-name")).toHaveText("webgpu");
  await page.getByRole("button", { name: "Load the bundled tiny CLIP" }).click();
  await expect(page.getByTestId("model-summary")).toContainText("parameters");
  await page.getByLabel("Objective").selectOption("ceclip");
  await page.getByLabel("Steps", { exact: true }).fill("60");
  await page.getByLabel("Batch size").fill("4");
  await page.getByLabel("Checkpoint every").fill("0");
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await expect
    .poll(async () => Number(await page.getByTestId("run-step").textContent()), { timeout: 240_000 })
    .toBeGreaterThanOrEqual(20);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("paused");
  const pausedAt = Number(await page.getByTestId("run-step").textContent());
  for (const name of ["loss", "itc", "cmr", "imc", "theta_0", "grad norm"]) {
    const value = Number(await page.getByTestId(`metric-${name}`).textContent());
    expect(Number.isFinite(value), name).toBe(true);
  }
  await page.getByRole("button", { name: "Resume" }).click();
  await expect
    .poll(async () => Number(await page.getByTestId("run-step").textContent()), { timeout: 120_000 })
    .toBeGreaterThan(pausedAt + 2);
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("stopped");
});

test("the shapes-world cure recipe fills the run config and the address bar, and stays editable", async ({
  page,
}) => {
  await page.goto("/");
  const recipe = page.getByRole("button", { name: "Shapes-world cure recipe" });
  await recipe.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "cure recipe set" })).toBeVisible();
  await expect(page.getByLabel("Steps", { exact: true })).toHaveValue("2500");
  await expect(page.getByLabel("Cosine horizon")).toHaveValue("3000");
  await expect(page.getByLabel("Threshold type")).toHaveValue("fixed");
  await expect(page.getByLabel("Fixed threshold")).toHaveValue("10");
  await expect(page.getByRole("combobox", { name: "Training data" })).toHaveValue("shapes-two-objects");
  await expect(page.getByLabel("Data seed")).toHaveValue("1");
  await expect(page).toHaveURL(/[?&]data=shapes-two-objects(&|$)/);
  await expect(page).toHaveURL(/[?&]seed=1(&|$)/);
  await expect(page).toHaveURL(/[?&]opt\.fixedThreshold=10(&|$)/);
  await page.getByLabel("Steps", { exact: true }).fill("1200");
  await expect(page).toHaveURL(/[?&]steps=1200(&|$)/);
});
