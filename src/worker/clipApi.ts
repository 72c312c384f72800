import * as tf from "@tensorflow/tfjs";
import { disposeClip, loadClip, similarity } from "../core/clip/index.js";
import { clipLogits, encodeImagePixels, encodeTextTokens } from "../core/clip/model.js";
import type { RgbaImage } from "../core/clip/preprocess.js";
import { type BackendName, type BackendReport, chooseBackend } from "./backend.js";
import { decodeImageBlob } from "./decodeImage.js";
import { type ModelSummary, modelSummary, requireModel, session } from "./session.js";

export type { ModelSummary };

/** Embedding and similarity requests, answered off the main thread. */
export const clipApi = {
  async init(order?: BackendName[]): Promise<BackendReport> {
    session.backend = await chooseBackend(order);
    return session.backend;
  },

  async loadModel(source: { files: Record<string, Uint8Array> } | { url: string }): Promise<ModelSummary> {
    if (!session.backend) await clipApi.init();
    const files = "files" in source ? new Map(Object.entries(source.files)) : { baseUrl: source.url };
    const next = await loadClip(files, { trainable: true });
    if (session.model) disposeClip(session.model);
    session.model = next;
    return modelSummary(next);
  },

  async decodeImage(blob: Blob, name?: string): Promise<RgbaImage> {
    return decodeImageBlob(blob, name);
  },

  async similarity(images: (RgbaImage | Blob)[], texts: string[]) {
    const m = requireModel();
    const decoded = await Promise.all(
      images.map((img, i) => (img instanceof Blob ? decodeImageBlob(img, `image ${i + 1}`) : img)),
    );
    return { ...(await similarity(m, decoded, texts)), inputIds: texts.map((t) => m.tokenizer.tokenize(t)) };
  },

  /** Features and logits from already-tokenised ids and preprocessed pixels (parity checks). */
  async forwardRaw(inputIds: number[][], pixelValues: number[][][][]) {
    const m = requireModel();
    const [text, image, logits] = tf.tidy(() => {
      const tokens = {
        ids: Int32Array.from(inputIds.flat()),
        batch: inputIds.length,
        length: inputIds[0].length,
      };
      const txt = encodeTextTokens(m.params, m.config, tokens).features;
      const img = encodeImagePixels(m.params, m.config, tf.tensor4d(pixelValues)).features;
      return [txt, img, clipLogits(m.params, img, txt)];
    });
    const out = {
      textFeatures: (await text.array()) as number[][],
      imageFeatures: (await image.array()) as number[][],
      logitsPerImage: (await logits.array()) as number[][],
    };
    tf.dispose([text, image, logits]);
    return out;
  },

  backend(): BackendReport | undefined {
    return session.backend;
  },
};
