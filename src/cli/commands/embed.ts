import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { encodeImages, encodeText, loadClip } from "../../core/clip/index.js";
import { l2Normalize } from "../../core/clip/ops.js";
import { parseCliArgs } from "../args.js";
import { selectNodeBackend } from "../backend.js";
import { readImageFile, readModelFolder } from "../files.js";
import type { CliCommand } from "./types.js";

function readTexts(path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`cannot read texts from ${path}: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === "string")) {
    throw new Error(`${path} must hold a JSON array of strings`);
  }
  return parsed;
}

export const embedCommand: CliCommand = {
  summary: "embed texts and images: --model <dir> --texts <file.json> --images <a.png> ...",
  async run(args) {
    const { values, positionals } = parseCliArgs(args, {
      model: { type: "string" },
      texts: { type: "string" },
      images: { type: "string", multiple: true },
      backend: { type: "string" },
    });
    if (!values.model) throw new Error("--model <dir> is required");
    const texts = values.texts ? readTexts(values.texts) : [];
    const imagePaths = [...(values.images ?? []), ...positionals];
    if (texts.length === 0 && imagePaths.length === 0) throw new Error("give --texts and/or --images");
    await selectNodeBackend(values.backend);
    const model = await loadClip(readModelFolder(values.model));
    const images = imagePaths.map(readImageFile);
    const out: Record<string, unknown> = {};
    const textEmbeds = texts.length > 0 ? tf.tidy(() => l2Normalize(encodeText(model, texts))) : undefined;
    const imageEmbeds =
      images.length > 0 ? tf.tidy(() => l2Normalize(encodeImages(model, images))) : undefined;
    if (textEmbeds) {
      const { inputIds, shape } = model.tokenizer.encode(texts);
      out.input_ids = Array.from({ length: shape[0] }, (_, i) =>
        Array.from(inputIds.subarray(i * shape[1], (i + 1) * shape[1])),
      );
      out.text_embeds = await textEmbeds.array();
    }
    if (imageEmbeds) out.image_embeds = await imageEmbeds.array();
    if (textEmbeds && imageEmbeds) {
      const logits = tf.tidy(() =>
        tf.mul(tf.exp(model.params.get("logit_scale")!), tf.matMul(imageEmbeds, textEmbeds, false, true)),
      );
      out.logits_per_image = await logits.array();
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  },
};
