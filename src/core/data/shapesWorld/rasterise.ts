import { SHAPE_SPANS, TEXTURE_TESTS } from "./geometry.js";
import type { RgbImage, Scene, SceneObject } from "./types.js";
import { BACKGROUND_RGB, COLOUR_RGB, SIZE_RADIUS, TEXTURE_SHADE } from "./vocabulary.js";

/** Sub-samples per pixel side: coverage is counted on a fixed 4x4 grid (anti-aliased edges). */
export const SUPERSAMPLING = 4;

const S = SUPERSAMPLING;
const SAMPLES = S * S;

/**
 * Sub-sample k of a row (k = px * S + i) sits at x = (k + 0.5) / S pixels; an object covers
 * it when its local u lies in one of the shape's spans for that sub-row. Counting per
 * pixel with integers keeps the output identical across engines.
 */
function drawObject(data: Uint8Array, size: number, object: SceneObject, spans: number[]): void {
  const radius = SIZE_RADIUS[object.size] * size;
  const cx = object.x * size;
  const cy = object.y * size;
  const shapeSpans = SHAPE_SPANS[object.shape];
  const shaded = object.texture === "plain" ? null : TEXTURE_TESTS[object.texture];
  // Stripes are horizontal, so only dots need a test per sub-sample.
  const perSample = object.texture === "dotted" ? shaded : null;
  const base = COLOUR_RGB[object.colour];
  const shade = base.map((c) => Math.round(c * TEXTURE_SHADE));
  const x0 = Math.max(0, Math.floor(cx - radius));
  const x1 = Math.min(size - 1, Math.ceil(cx + radius));
  const y0 = Math.max(0, Math.floor(cy - radius));
  const y1 = Math.min(size - 1, Math.ceil(cy + radius));
  if (x0 > x1 || y0 > y1) return;
  const width = x1 - x0 + 1;
  const baseCounts = new Uint8Array(width * (y1 - y0 + 1));
  const shadeCounts = new Uint8Array(baseCounts.length);
  const firstColumn = x0 * S;
  const lastColumn = (x1 + 1) * S - 1;

  for (let row = y0 * S; row < (y1 + 1) * S; row++) {
    const v = ((row + 0.5) / S - cy) / radius;
    spans.length = 0;
    shapeSpans(v, spans);
    const line = (Math.floor(row / S) - y0) * width;
    for (let s = 0; s < spans.length; s += 2) {
      const from = Math.max(firstColumn, Math.ceil((cx + spans[s] * radius) * S - 0.5));
      const to = Math.min(lastColumn, Math.floor((cx + spans[s + 1] * radius) * S - 0.5));
      if (perSample) {
        for (let column = from; column <= to; column++) {
          const cell = line + Math.floor(column / S) - x0;
          if (perSample(((column + 0.5) / S - cx) / radius, v)) shadeCounts[cell]++;
          else baseCounts[cell]++;
        }
        continue;
      }
      // Shade constant along the row: add whole runs of sub-samples per pixel.
      const counts = shaded?.(0, v) ? shadeCounts : baseCounts;
      for (let column = from; column <= to; ) {
        const px = Math.floor(column / S);
        const end = Math.min(to, px * S + S - 1);
        counts[line + px - x0] += end - column + 1;
        column = end + 1;
      }
    }
  }

  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      const cell = (py - y0) * width + px - x0;
      const baseCount = baseCounts[cell];
      const shadeCount = shadeCounts[cell];
      if (baseCount + shadeCount === 0) continue;
      const rest = SAMPLES - baseCount - shadeCount;
      const k = (py * size + px) * 3;
      for (let c = 0; c < 3; c++) {
        data[k + c] = Math.round(
          (data[k + c] * rest + base[c] * baseCount + shade[c] * shadeCount) / SAMPLES,
        );
      }
    }
  }
}

/**
 * Draws a scene into a square RGB image of imageSize x imageSize pixels; pixel (px, py)
 * covers [px, px + 1) x [py, py + 1) and shows each object blended by the fraction of its
 * 4x4 sub-samples the object covers.
 */
export function renderScene(scene: Scene, imageSize = 64): RgbImage {
  if (!Number.isInteger(imageSize) || imageSize < 1)
    throw new Error(`renderScene: bad image size ${imageSize}`);
  const data = new Uint8Array(imageSize * imageSize * 3);
  const [red, green, blue] = BACKGROUND_RGB;
  for (let i = 0; i < data.length; i += 3) {
    data[i] = red;
    data[i + 1] = green;
    data[i + 2] = blue;
  }
  const spans: number[] = [];
  for (const object of scene.objects) drawObject(data, imageSize, object, spans);
  return { width: imageSize, height: imageSize, data, channels: 3 };
}
