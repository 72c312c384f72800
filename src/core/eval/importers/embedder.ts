import { encodeImages, type LoadedClip, type RgbaImage } from "../../clip/index.js";
import { embed, embedTexts } from "../benchmark.js";

/** l2-normalised embeddings as flat row-major [rows, dim] arrays. */
export interface Embedder {
  dim: number;
  embedTexts(texts: string[]): Promise<Float32Array>;
  embedImages(images: RgbaImage[]): Promise<Float32Array>;
}

/** A loaded CLIP as an Embedder, with the benchmark's own embedding code. */
export function clipEmbedder(model: LoadedClip, batchSize = 64): Embedder {
  const dim = model.config.projection_dim;
  return {
    dim,
    embedTexts: (texts) => embedTexts(model, texts, batchSize),
    embedImages: (images) => embed(() => encodeImages(model, images), dim),
  };
}
