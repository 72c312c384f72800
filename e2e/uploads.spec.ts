import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { encode } from "fast-png";

/** An 8x8 PNG of one colour (each file distinct). */
function png(k: number): Buffer {
  const data = new Uint8Array(8 * 8 * 3);
  for (let i = 0; i < 64; i++) data.set([(k * 37) % 256, (k * 91) % 256, (k * 53 + 40) % 256], i * 3);
  return Buffer.from(encode({ width: 8, height: 8, data, channels: 3, depth: 8 }));
}

const CAPTIONS = [
  "a red dog sits on a green table",
  "a man rides a black horse",
  "a dog next to a cat on a sofa",
  "a small red cup on a table",
  "a girl holds a blue umbrella",
  "a white cat sleeps on a bed",
  "two birds sit on a wooden fence",
  "a boy kicks a yellow ball",
  "a brown bear walks in the snow",
  "a woman reads a book in a park",
];

/** A folder: 11 good PNGs, 1 corrupt one, and a CSV with 10 good rows and 4 bad ones. */
function uploadFolder(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "hn-upload-")), "pairs");
  mkdirSync(dir);
  for (let k = 0; k < 11; k++) writeFileSync(join(dir, `img${k}.png`), png(k));
  writeFileSync(join(dir, "bad.png"), Buffer.concat([png(99).subarray(0, 30), Buffer.from("not a png")]));
  const rows = [
    "image,caption",
    ...CAPTIONS.map((c, k) => `img${k}.png,${c}`),
    "img10.png,", // line 12: empty caption
    "missing.png,a cat on a mat", // line 13: missing image
    "img10.png,a dog,extra", // line 14: 3 fields
    "bad.png,a blue ball on the grass", // line 15: corrupt image
  ];
  writeFileSync(join(dir, "data.csv"), `${rows.join("\n")}\n`);
  return dir;
}

async function openApp(page: Page) {
  await page.goto("/");
  await expect(page.getByTestId("model-summary")).toContainText("parameters", { timeout: 120_000 });
}

test("upload a folder: the report lists the 4 bad rows, 10 steps train on it, a reload keeps it", async ({
  page,
}) => {
  await openApp(page);
  await page.getByRole("tab", { name: "Data" }).click();
  await page.getByTestId("upload-folder").setInputFiles(uploadFolder());
  await expect(page.getByTestId("upload-count")).toHaveText("10");
  const issues = page.getByTestId("upload-issue");
  await expect(issues).toHaveCount(4);
  const texts = await issues.allTextContents();
  expect(texts[0]).toContain("data.csv line 12");
  expect(texts[0]).toContain("empty-caption");
  expect(texts[1]).toContain("data.csv line 13");
  expect(texts[1]).toContain("missing-image");
  expect(texts[2]).toContain("data.csv line 14");
  expect(texts[2]).toContain("malformed-row");
  expect(texts[3]).toContain("data.csv line 15");
  expect(texts[3]).toContain("unreadable-image");
  await expect(page.getByTestId("upload-item").first()).toContainText("a red dog sits on a green table");

  await page.getByLabel(/Uploaded dataset/).check();
  await page.getByLabel("Steps", { exact: true }).fill("10");
  await page.getByLabel("Batch size").fill("4");
  await page.getByLabel("Checkpoint every").fill("0");
  await page.getByLabel("Evaluate every").fill("0");
  await page.getByRole("tab", { name: "Train" }).click();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("done", { timeout: 240_000 });
  await expect(page.getByTestId("run-step")).toHaveText("10");

  await page.reload();
  await expect(page.getByTestId("model-summary")).toContainText("parameters", { timeout: 120_000 });
  await page.getByRole("tab", { name: "Data" }).click();
  await expect(page.getByTestId("upload-count")).toHaveText("10");
  await expect(page.getByTestId("upload-issue")).toHaveCount(4);
  await expect(page.getByLabel(/Uploaded dataset/)).toBeChecked();
});

test("an imported 4-item SugarCrepe subset runs for base and current with an accuracy in [0, 1]", async ({
  page,
}) => {
  await openApp(page);
  await page.getByRole("tab", { name: "Benchmark" }).click();
  const items = Object.fromEntries(
    CAPTIONS.slice(0, 4).map((caption, k) => [
      String(k),
      { filename: `img${k}.png`, caption, negative_caption: CAPTIONS[(k + 1) % 4] },
    ]),
  );
  await page.getByTestId("imported-format").selectOption("sugarcrepe");
  await page.getByTestId("imported-annotations").setInputFiles({
    name: "swap_obj.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(items)),
  });
  await page
    .getByTestId("imported-images")
    .setInputFiles([0, 1, 2, 3].map((k) => ({ name: `img${k}.png`, mimeType: "image/png", buffer: png(k) })));
  await page.getByTestId("imported-run").click();
  await expect(page.getByTestId("imported-summary")).toContainText("n = 4 tests", { timeout: 120_000 });
  const accuracy = page.getByTestId("imported-scores").locator('tr[data-metric="accuracy"]');
  for (const id of ["imported-base", "imported-current"]) {
    const value = Number(await accuracy.getByTestId(id).getAttribute("data-value"));
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
    expect(value * 4).toBeCloseTo(Math.round(value * 4), 6); // a share of 4 tests
  }
  await expect(page.getByTestId("imported-subsets")).toContainText("swap_obj");
});
