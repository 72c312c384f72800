import { expect, test } from "@playwright/test";

interface LabWorker {
  exportModelZip(): Promise<Uint8Array>;
  importModelZip(bytes: Uint8Array): Promise<unknown>;
}

test("the app opens on the built-in model; probe base vs current; export and import keep the numbers", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByTestId("model-summary")).toContainText("parameters", { timeout: 120_000 });
  await page.getByRole("tab", { name: "Probe" }).click();
  await page.getByTestId("probe-caption").fill("a red square to the left of a blue circle");
  await page.getByTestId("probe-negatives").fill("a blue square to the left of a red circle");
  await page.getByTestId("probe-run").click();
  await expect(page.getByTestId("probe-base-sim")).toHaveCount(2);
  const base = await page.getByTestId("probe-base-sim").allTextContents();
  const current = await page.getByTestId("probe-current-sim").allTextContents();
  // Before any training the current model is the base model.
  expect(current).toEqual(base);

  const zipSize = await page.evaluate(async () => {
    const w = (window as unknown as { hardneg: { worker: LabWorker } }).hardneg.worker;
    const zip = await w.exportModelZip();
    await w.importModelZip(zip);
    return zip.length;
  });
  expect(zipSize).toBeGreaterThan(100_000);
  await page.getByTestId("probe-run").click();
  await expect(page.getByTestId("probe-current-sim")).toHaveCount(2);
  expect(await page.getByTestId("probe-current-sim").allTextContents()).toEqual(current);
});
