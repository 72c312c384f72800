import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

/** The fixed-10 row of `npm run reproduce -- --train-seed 1`: per-type accuracies by type name. */
const reproduced = JSON.parse(
  readFileSync(new URL("../../reproduce/train-seed-1/runs/ceclip_fixed10.json", import.meta.url), "utf8"),
).result.perType as Record<string, number>;

// The app's shapes-world cure recipe, trained in the page's worker as a user would, then the
// Benchmark tab on 500 held-out scenes: the numbers should be the fixed-10 row of
// reproduce/train-seed-1 (same scenes, same wasm kernels, held-out seed 0). About 11-16 minutes on 2 cores.
test("the cure recipe in the app", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("backend-choice")).toContainText("Trains on", { timeout: 300_000 });
  await page.getByRole("button", { name: "Shapes-world cure recipe" }).click();
  const started = Date.now();
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await expect(page.getByTestId("run-status")).toHaveText("running", { timeout: 120_000 });
  for (;;) {
    const status = await page.getByTestId("run-status").textContent();
    const step = await page.getByTestId("run-step").textContent();
    console.log(new Date().toISOString(), status, step, await page.getByTestId("train-status").textContent());
    if (status === "done" || status === "stopped") break;
    await page.waitForTimeout(60_000);
  }
  console.log(`trained in ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
  await page.getByRole("tab", { name: "Benchmark", exact: true }).click();
  await page.getByLabel("Held-out scenes").selectOption("500");
  await page.getByTestId("benchmark-run").click();
  await expect(page.getByTestId("benchmark-summary")).toContainText("n = 500", { timeout: 600_000 });
  const rows = page.locator("[data-testid=benchmark-table] tbody tr");
  for (const row of await rows.all()) {
    const metric = await row.getAttribute("data-metric");
    const base = await row.getByTestId("benchmark-base").getAttribute("data-value");
    const current = await row.getByTestId("benchmark-current").getAttribute("data-value");
    console.log(`RESULT ${metric} base ${base} current ${current}`);
    if (metric && metric in reproduced) expect(Number(current), metric).toBeCloseTo(reproduced[metric], 9);
  }
});
