import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

test("Compare: clip and negclip queued for 3 steps at batch 4 give two table rows of finite numbers", async ({
  page,
}) => {
  await page.goto("/#compare");
  await expect(page.getByTestId("model-summary")).toContainText("parameters", { timeout: 120_000 });
  const panel = page.getByTestId("compare-panel");
  await panel.getByLabel("Steps", { exact: true }).fill("3");
  await panel.getByLabel("Batch size").fill("4");
  await panel.getByLabel("Evaluate every").fill("0");
  await panel.getByLabel("Final held-out scenes").selectOption("100");
  for (const objective of ["clip", "negclip"]) {
    await panel.getByRole("combobox", { name: /^Objective/ }).selectOption(objective);
    await panel.getByRole("button", { name: "Add to queue" }).click();
  }
  await expect(panel.getByTestId("compare-run")).toHaveCount(2);
  const axe = await new AxeBuilder({ page }).include('[data-testid="compare-panel"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await panel.getByRole("button", { name: "Start queue" }).click();
  await expect(panel.getByTestId("compare-row")).toHaveCount(2, { timeout: 240_000 });
  await expect(panel.getByTestId("compare-run-status")).toHaveText(["done", "done"]);
  await expect(panel.getByTestId("compare-progress")).toHaveAttribute("value", "100");

  const percent = /^\d+(\.\d)?%$/;
  for (const row of await panel.getByTestId("compare-row").all()) {
    for (const id of ["compare-acc-attributeSwap", "compare-r1-i2t", "compare-r1-t2i"])
      await expect(row.getByTestId(id)).toHaveText(percent);
    for (const id of ["compare-steps-per-second", "compare-peak-memory", "compare-final-loss"]) {
      const value = Number(await row.getByTestId(id).textContent());
      expect(Number.isFinite(value) && value > 0, `${id} = ${value}`).toBe(true);
    }
  }
  await expect(panel.getByTestId("chart-compare-loss").locator("figure")).toBeVisible();

  const download = page.waitForEvent("download");
  await panel.getByTestId("compare-csv").click();
  const csv = await (await download)
    .path()
    .then((p) => import("node:fs").then((fs) => fs.readFileSync(p, "utf8")));
  expect(csv.trim().split("\n")).toHaveLength(3);
});
