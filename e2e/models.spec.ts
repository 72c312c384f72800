import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { unzipSync } from "fflate";
import { parseClipConfig } from "../src/core/clip/config.js";
import { readSafetensors } from "../src/core/clip/safetensors.js";
import { validateWeights } from "../src/core/clip/weights.js";

/** A hub mirror under an allowed model host (the CSP's *.huggingface.co), served from disk by the test. */
const HUB = "https://mirror.huggingface.co";
const ID = "test-org/tiny-clip";
const FIXTURE = join(import.meta.dirname, "../public/models/hf-tiny-clip");

/** Serves FIXTURE in the hub's `{id}/resolve/main/{file}` layout; returns the files requested. */
async function serveHub(page: Page): Promise<string[]> {
  const requested: string[] = [];
  await page.context().route(`${HUB}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const match = new RegExp(`^/${ID}/resolve/main/([\\w.-]+)$`).exec(path);
    const file = match && join(FIXTURE, match[1]);
    requested.push(match?.[1] ?? path);
    if (!file || !existsSync(file)) return route.fulfill({ status: 404, body: "Entry not found" });
    const body = readFileSync(file);
    await route.fulfill({
      status: 200,
      body,
      headers: { "content-length": String(body.length), "access-control-allow-origin": "*" },
    });
  });
  return requested;
}

async function loadFromHub(page: Page): Promise<void> {
  await page.getByLabel("Hugging Face model id").fill(ID);
  await page.getByLabel("Hub address").fill(HUB);
  await page.getByRole("button", { name: "Load from the hub" }).click();
  await expect(page.getByTestId("model-summary")).toContainText(`Loaded ${ID}`, { timeout: 120_000 });
}

test("a model loads by hub id from a mirror, with byte progress to 100 %, and the second time from the cache", async ({
  page,
}) => {
  const requested = await serveHub(page);
  await page.goto("/");
  await expect(page.getByTestId("model-summary")).toContainText("parameters", { timeout: 120_000 });
  await loadFromHub(page);
  await expect(page.getByTestId("model-summary")).toContainText("162,369 parameters");
  const total = [
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.json",
    "merges.txt",
  ]
    .map((f) => readFileSync(join(FIXTURE, f)).length)
    .reduce((a, b) => a + b, 0);
  await expect(page.getByTestId("hub-progress-text")).toContainText(`(100 %)`);
  expect(await page.getByRole("progressbar", { name: `Download of ${ID}` }).getAttribute("max")).toBe(
    String(total),
  );
  expect(requested.sort()).toEqual(
    [
      "config.json",
      "merges.txt",
      "model.safetensors",
      "special_tokens_map.json", // optional, absent: a 404 that does not stop the load
      "tokenizer.json",
      "tokenizer_config.json",
      "vocab.json",
    ].sort(),
  );

  requested.length = 0;
  await page.getByRole("button", { name: "Load the bundled tiny CLIP" }).click();
  await expect(page.getByTestId("model-summary")).toContainText("hf-tiny-clip (fixture)");
  await loadFromHub(page);
  await expect(page.getByTestId("model-notice")).toContainText("Read from the browser's cache");
  expect(requested).toEqual([]);
});

test("a LoRA run of 10 steps exports merged weights that load back and differ from the base", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByTestId("model-summary")).toContainText("parameters", { timeout: 120_000 });
  await page.getByRole("button", { name: "Load the bundled tiny CLIP" }).click();
  await expect(page.getByTestId("model-summary")).toContainText("hf-tiny-clip (fixture)");
  await page.getByLabel("Steps", { exact: true }).fill("10");
  await page.getByLabel("Batch size").fill("2");
  await page.getByLabel("Learning rate", { exact: true }).fill("0.01");
  await page.getByLabel("Checkpoint every").fill("0");
  await page.getByLabel("LoRA rank").fill("4");
  // The planner sees the adapters: 12,544 trainable parameters instead of 162,369.
  await expect(page.getByTestId("memory-planner")).toContainText("12,544 trainable");
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("done", { timeout: 280_000 });

  const { zip, imported } = await page.evaluate(async () => {
    const worker = (
      window as unknown as {
        hardneg: {
          worker: {
            exportModelZip(): Promise<Uint8Array>;
            importModelZip(bytes: Uint8Array): Promise<{ parameters: number }>;
          };
        };
      }
    ).hardneg.worker;
    const bytes = await worker.exportModelZip();
    const summary = await worker.importModelZip(bytes.slice());
    return { zip: Array.from(bytes), imported: summary.parameters };
  });
  // Loaded back in the app: the HF parameters only, adapters merged.
  expect(imported).toBe(162_369);
  const files = unzipSync(Uint8Array.from(zip));
  const config = parseClipConfig(new TextDecoder().decode(files["config.json"]));
  const exported = readSafetensors(files["model.safetensors"]).tensors;
  expect(validateWeights(config, exported).unknown).toEqual([]);
  const base = readSafetensors(new Uint8Array(readFileSync(join(FIXTURE, "model.safetensors")))).tensors;
  const differs = (name: string) => exported.get(name)!.data.some((v, i) => v !== base.get(name)!.data[i]);
  expect(differs("text_model.encoder.layers.0.self_attn.q_proj.weight")).toBe(true);
  expect(differs("vision_model.encoder.layers.1.mlp.fc1.weight")).toBe(true);
  // Outside the adapted projections nothing trained.
  expect(differs("text_model.embeddings.token_embedding.weight")).toBe(false);
  expect(differs("visual_projection.weight")).toBe(false);
});
