/**
 * Hugging Face `CLIPImageProcessor` (PIL backend) in pure TypeScript, bit-exact with
 * transformers + Pillow: convert("RGB") -> shortest-edge bicubic resize (Pillow's
 * fixed-point ImagingResample) -> centre crop -> rescale 1/255 -> normalise, in float32.
 */

/** Interleaved 8-bit image: 1 = L, 2 = LA, 3 = RGB, 4 = RGBA. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  channels: 1 | 2 | 3 | 4;
}

export type Triple = readonly [number, number, number];

export interface PreprocessOptions {
  shortestEdge: number;
  cropSize: number;
  mean: Triple;
  std: Triple;
}

/** OpenAI CLIP normalisation constants (transformers OPENAI_CLIP_MEAN / OPENAI_CLIP_STD). */
export const CLIP_MEAN: Triple = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: Triple = [0.26862954, 0.26130258, 0.27577711];

/** Processor settings a CLIP checkpoint with vision `image_size` uses by default. */
export function preprocessOptionsFor(imageSize: number): PreprocessOptions {
  return { shortestEdge: imageSize, cropSize: imageSize, mean: CLIP_MEAN, std: CLIP_STD };
}

function checkImage(img: RgbaImage): void {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`image size must be positive integers, got ${width}x${height}`);
  }
  if (![1, 2, 3, 4].includes(channels)) throw new Error(`unsupported channel count ${channels}`);
  if (data.length !== width * height * channels) {
    throw new Error(`image data has ${data.length} bytes, expected ${width * height * channels}`);
  }
}

/** PIL `convert("RGB")`: alpha is dropped (not composited), grey is replicated. */
export function toRgb(img: RgbaImage): RgbaImage {
  checkImage(img);
  const { width, height, channels, data } = img;
  if (channels === 3) return img;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const grey = channels < 3;
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    out[i * 3] = data[s];
    out[i * 3 + 1] = grey ? data[s] : data[s + 1];
    out[i * 3 + 2] = grey ? data[s] : data[s + 2];
  }
  return { width, height, data: out, channels: 3 };
}

/**
 * transformers `get_resize_output_image_size(default_to_square=False)`: the short side
 * becomes `shortestEdge`, the long side `int(shortestEdge * long / short)` (truncation).
 */
export function resizeOutputSize(
  width: number,
  height: number,
  shortestEdge: number,
): { width: number; height: number } {
  const widthIsShort = width <= height;
  const [short, long] = widthIsShort ? [width, height] : [height, width];
  const newLong = Math.trunc((shortestEdge * long) / short);
  return widthIsShort ? { width: shortestEdge, height: newLong } : { width: newLong, height: shortestEdge };
}

// Pillow's 8-bit resampler works in fixed point with 22 fractional bits (32 - 8 - 2).
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);
const BICUBIC_SUPPORT = 2;

/** Pillow's bicubic kernel (a = -0.5), operation order kept for identical doubles. */
function bicubic(x: number): number {
  const a = -0.5;
  const t = x < 0 ? -x : x;
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

interface Coefficients {
  ksize: number;
  /** Per output pixel: first source index and number of taps. */
  bounds: Int32Array;
  /** Fixed-point weights, `ksize` slots per output pixel. */
  weights: Int32Array;
}

/** Pillow `precompute_coeffs` + `normalize_coeffs_8bpc` for a full-image box. */
function precomputeCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  // Widen the kernel when downscaling so it antialiases (covers every source pixel).
  const filterScale = Math.max(scale, 1);
  const support = BICUBIC_SUPPORT * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const taps = new Float64Array(ksize);
  const invScale = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * invScale);
      taps[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? taps[x] / total : taps[x];
      // C's (int)(v +/- 0.5): round half away from zero.
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

/** Pillow `clip8`: arithmetic shift out the fraction, then clamp to a byte. */
function clip8(acc: number): number {
  const v = Math.floor(acc / ONE);
  return Math.min(Math.max(v, 0), 255);
}

/** One separable pass over interleaved RGB; `horizontal` picks the axis. */
function resamplePass(src: RgbaImage, outW: number, outH: number, horizontal: boolean): RgbaImage {
  const { width: inW, data } = src;
  const { ksize, bounds, weights } = precomputeCoefficients(
    horizontal ? inW : src.height,
    horizontal ? outW : outH,
  );
  const out = new Uint8Array(outW * outH * 3);
  // Source stride (in bytes) between successive taps along the resampled axis.
  const tapStride = horizontal ? 3 : inW * 3;
  for (let yy = 0; yy < outH; yy++) {
    for (let xx = 0; xx < outW; xx++) {
      const o = horizontal ? xx : yy;
      const first = bounds[o * 2];
      const count = bounds[o * 2 + 1];
      const k = o * ksize;
      let base = horizontal ? (yy * inW + first) * 3 : (first * inW + xx) * 3;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let t = 0; t < count; t++, base += tapStride) {
        const w = weights[k + t];
        r += data[base] * w;
        g += data[base + 1] * w;
        b += data[base + 2] * w;
      }
      const dst = (yy * outW + xx) * 3;
      out[dst] = clip8(r);
      out[dst + 1] = clip8(g);
      out[dst + 2] = clip8(b);
    }
  }
  return { width: outW, height: outH, data: out, channels: 3 };
}

/**
 * Pillow `Image.resize(size, BICUBIC)` on an RGB image: horizontal pass first, then
 * vertical, each rounding to uint8; an axis whose size is unchanged is skipped.
 */
export function resizeBicubic(img: RgbaImage, outW: number, outH: number): RgbaImage {
  let cur = toRgb(img);
  if (outW !== cur.width) cur = resamplePass(cur, outW, cur.height, true);
  if (outH !== cur.height) cur = resamplePass(cur, outW, outH, false);
  return cur;
}

/**
 * transformers `center_crop` + rescale + normalise into CHW float32. The offset is
 * floor((size - crop) / 2); pixels outside a too-small image are zero-padded like HF.
 */
function cropAndNormalise(rgb: RgbaImage, crop: number, mean: Triple, std: Triple): Float32Array {
  const { width, height, data } = rgb;
  const top = Math.floor((height - crop) / 2);
  const left = Math.floor((width - crop) / 2);
  const plane = crop * crop;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    // numpy casts mean/std to float32 and computes (x - mean) / std in float32.
    const m = Math.fround(mean[c]);
    const s = Math.fround(std[c]);
    for (let y = 0; y < crop; y++) {
      const sy = y + top;
      for (let x = 0; x < crop; x++) {
        const sx = x + left;
        const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
        const byte = inside ? data[(sy * width + sx) * 3 + c] : 0;
        // HF rescale: float64 multiply by 1/255, then cast to float32.
        const scaled = Math.fround(byte * (1 / 255));
        out[c * plane + y * crop + x] = Math.fround(Math.fround(scaled - m) / s);
      }
    }
  }
  return out;
}

/** CLIPImageProcessor: returns CHW float32 of shape [3, cropSize, cropSize]. */
export function preprocessImage(img: RgbaImage, opts: PreprocessOptions): Float32Array {
  const { shortestEdge, cropSize } = opts;
  if (!Number.isInteger(shortestEdge) || shortestEdge < 1 || !Number.isInteger(cropSize) || cropSize < 1) {
    throw new Error(`shortestEdge and cropSize must be positive integers`);
  }
  const rgb = toRgb(img);
  const size = resizeOutputSize(rgb.width, rgb.height, shortestEdge);
  const resized = resizeBicubic(rgb, size.width, size.height);
  return cropAndNormalise(resized, cropSize, opts.mean, opts.std);
}
