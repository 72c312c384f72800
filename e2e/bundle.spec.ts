import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { unzipSync, zipSync } from "fflate";

/**
 * Scale out from the Export panel: the default model and 16 shapes-world examples go out as
 * a run bundle for scale/ (PyTorch DDP); a finished run's folder (zipped) comes back as the
 * current model with its metric curve. Built-in model and batch 8: quick even on SwiftShader.
 */
const MODEL_DIR = join(import.meta.dirname, "../public/models/shapes-clip");
const MODEL_FILES = [
  "config.json",
  "model.safetensors",
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.json",
  "merges.txt",
  "special_tokens_map.json",
];
const METRICS_CSV = `step,epoch,lr,loss,itc,grad_norm,logit_scale,applied
0,0,0.001,4.25,4.25,8.5,14.28,1
1,0,0.001,3.5,3.5,7.25,14.3,1
2,0,0.001,2.75,2.75,6,14.32,1
`;

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole("tab", { name, exact: true }).click();
  await expect(page.getByRole("tab", { name, exact: true })).toHaveAttribute("aria-selected", "true");
}

/** A zip of a scale/ `--out` folder: the model files, plus `extra` files (metrics.csv, run.json). */
function finishedRunZip(extra: Record<string, string>): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const name of MODEL_FILES) entries[`ceclip-out/${name}`] = readFileSync(join(MODEL_DIR, name));
  for (const [name, text] of Object.entries(extra))
    entries[`ceclip-out/${name}`] = new TextEncoder().encode(text);
  return Buffer.from(zipSync(entries));
}

test("export a run bundle for scale/ and import a finished run", async ({ page }, testInfo) => {
  await page.goto("/?batchSize=8#export");
  await expect(page.getByTestId("model-summary")).toContainText("parameters", { timeout: 120_000 });
  await expect(page.getByTestId("bundle-blocker")).toHaveCount(0);

  // Export: a labelled size, keyboard-pressed button, progress, then the download.
  await page.getByLabel("Examples to export").fill("16");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export run bundle for PyTorch (scale/)" }).focus();
  await page.keyboard.press("Enter");
  const zipPath = testInfo.outputPath("bundle.zip");
  const file = await download;
  await file.saveAs(zipPath);
  await expect(page.getByTestId("bundle-message")).toContainText("16 examples");
  const folder = file.suggestedFilename().replace(/\.zip$/, "");
  expect(folder).toMatch(/-ceclip-bundle$/);
  const zip = unzipSync(readFileSync(zipPath));
  const text = (name: string) => new TextDecoder().decode(zip[`${folder}/${name}`]);
  const run = JSON.parse(text("run.json"));
  expect(run.format).toBe("hardneg-run-bundle");
  expect(run.data).toMatchObject({ name: "shapes-train", size: 16, pairs: "data/pairs.jsonl" });
  expect(run.train).toMatchObject({ objective: "ceclip", batchSize: 8 });
  const pairs = text("data/pairs.jsonl").trim().split("\n");
  expect(pairs).toHaveLength(16);
  expect(JSON.parse(pairs[15]).image).toBe("data/images/000015.png");
  expect(zip[`${folder}/data/images/000015.png`].length).toBeGreaterThan(100);
  expect(JSON.parse(text("model/config.json")).projection_dim).toBeGreaterThan(0);
  expect(zip[`${folder}/model/model.safetensors`].length).toBeGreaterThan(100_000);
  // The launch line to copy names the bundle folder.
  await page.getByText("Launch it with torchrun").click();
  await expect(page.getByTestId("bundle-command-cpu")).toHaveText(
    `python3 scale/torchrun.py --nproc_per_node 2 scale/cli.py train --bundle ${folder} --out ${folder.replace(/-bundle$/, "-out")} --backend gloo --device cpu`,
  );

  // A zip without metrics.csv: one clear message, nothing imported.
  const bad = testInfo.outputPath("bad-run.zip");
  writeFileSync(bad, finishedRunZip({}));
  await page.getByLabel("Import a finished run (.zip)").setInputFiles(bad);
  await expect(page.getByTestId("run-import-error")).toHaveText(
    "Import failed: metrics.csv: file not found in the run's output",
  );
  await expect(page.getByTestId("chart-imported-run")).toHaveCount(0);

  // A finished run: its model becomes current, its curve is drawn.
  const good = testInfo.outputPath("ceclip-out.zip");
  const record = { stepsDone: 3, worldSize: 2, device: "cpu", stepsPerSecond: 1.5, imagesPerSecond: 12 };
  writeFileSync(good, finishedRunZip({ "metrics.csv": METRICS_CSV, "run.json": JSON.stringify(record) }));
  await page.getByLabel("Import a finished run (.zip)").setInputFiles(good);
  await expect(page.getByTestId("run-import-message")).toContainText("Imported ceclip-out", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("run-import-error")).toHaveCount(0);
  const chart = page.getByTestId("chart-imported-run");
  await expect(chart).toContainText("3 metric rows, 3 steps, 2 processes (cpu), 1.5 steps/s, 12 images/s");
  await expect(chart.locator(".recharts-line-curve")).toHaveCount(1);
  await page.getByLabel("Metric").selectOption("itc");
  await expect(chart.locator(".recharts-line-curve")).toHaveCount(1);

  // Beside the browser's own curves on the Train tab.
  await openTab(page, "Train");
  await expect(page.getByTestId("objective-charts").getByTestId("chart-imported-run")).toBeVisible();
});
