import { describe, expect, it } from "vitest";
import { renderScene, SUPERSAMPLING } from "./rasterise.js";
import type { RgbImage, SceneObject } from "./types.js";
import {
  BACKGROUND_RGB,
  COLOUR_RGB,
  COLOURS,
  type Rgb,
  SHAPES,
  SIZE_RADIUS,
  TEXTURES,
} from "./vocabulary.js";

const pixel = (image: RgbImage, x: number, y: number): number[] => {
  const k = (y * image.width + x) * 3;
  return [image.data[k], image.data[k + 1], image.data[k + 2]];
};

const object = (overrides: Partial<SceneObject>): SceneObject => ({
  shape: "square",
  colour: "red",
  size: "large",
  texture: "plain",
  x: 0.5,
  y: 0.5,
  ...overrides,
});

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe("palette", () => {
  it("keeps colours well separated from each other and from the background", () => {
    for (const a of COLOURS) {
      expect(distance(COLOUR_RGB[a], BACKGROUND_RGB)).toBeGreaterThan(150);
      for (const b of COLOURS)
        if (a !== b) expect(distance(COLOUR_RGB[a], COLOUR_RGB[b])).toBeGreaterThanOrEqual(100);
    }
  });
});

describe("renderScene", () => {
  it("returns an RGB image of the requested size", () => {
    const image = renderScene({ objects: [] }, 32);
    expect(image.width).toBe(32);
    expect(image.height).toBe(32);
    expect(image.channels).toBe(3);
    expect(image.data.length).toBe(32 * 32 * 3);
    expect(pixel(image, 17, 5)).toEqual([...BACKGROUND_RGB]);
  });

  it("paints the object colour at the centre and background far away, for every shape, colour and texture", () => {
    for (const shape of SHAPES) {
      for (const colour of COLOURS) {
        for (const texture of TEXTURES) {
          const image = renderScene({ objects: [object({ shape, colour, texture, x: 0.3, y: 0.6 })] }, 64);
          // Centre (19.2, 38.4) lies in pixel (19, 38).
          expect(pixel(image, 19, 38)).toEqual([...COLOUR_RGB[colour]]);
          expect(pixel(image, 60, 3)).toEqual([...BACKGROUND_RGB]);
        }
      }
    }
  });

  it("blends edge pixels by 4x4 coverage", () => {
    // Square half-side 0.8 r = 0.8 * 0.18 * 64 = 9.216 px around x = 32: the left edge at 22.784 px,
    // so pixel column 22 holds one of four sub-sample columns (22.875): coverage 4 / 16.
    const image = renderScene({ objects: [object({ shape: "square", colour: "blue" })] }, 64);
    const expected = BACKGROUND_RGB.map((bg, c) => Math.round((bg * 12 + COLOUR_RGB.blue[c] * 4) / 16));
    expect(pixel(image, 22, 32)).toEqual(expected);
    expect(pixel(image, 21, 32)).toEqual([...BACKGROUND_RGB]);
    expect(pixel(image, 23, 32)).toEqual([...COLOUR_RGB.blue]);
  });

  it("anti-aliases a circle: edge pixels are exact mixtures of background and colour", () => {
    const image = renderScene({ objects: [object({ shape: "circle", colour: "yellow" })] }, 64);
    const colour = COLOUR_RGB.yellow;
    const samples = SUPERSAMPLING * SUPERSAMPLING;
    let intermediate = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const p = pixel(image, x, y);
        if (p.every((v, c) => v === BACKGROUND_RGB[c]) || p.every((v, c) => v === colour[c])) continue;
        intermediate++;
        const coverage = Array.from({ length: samples - 1 }, (_, i) => i + 1).find((n) =>
          p.every((v, c) => v === Math.round((BACKGROUND_RGB[c] * (samples - n) + colour[c] * n) / samples)),
        );
        expect(coverage).toBeDefined();
      }
    }
    // Circumference 2 pi * 0.95 * 11.52 px ~ 69 px: most boundary pixels are partly covered.
    expect(intermediate).toBeGreaterThan(40);
    expect(intermediate).toBeLessThan(120);
  });

  it("draws large objects larger than small ones in the ratio of their areas", () => {
    const covered = (size: "small" | "large") => {
      const image = renderScene({ objects: [object({ shape: "circle", size })] }, 64);
      let sum = 0;
      for (let i = 0; i < image.data.length; i += 3) sum += (image.data[i] - BACKGROUND_RGB[0]) / (230 - 32);
      return sum;
    };
    const small = covered("small");
    const large = covered("large");
    expect(small).toBeCloseTo(Math.PI * (0.95 * SIZE_RADIUS.small * 64) ** 2, -1);
    expect(large / small).toBeCloseTo((SIZE_RADIUS.large / SIZE_RADIUS.small) ** 2, 1);
  });

  it("shows texture shades inside striped and dotted objects only", () => {
    const distinct = (texture: "plain" | "striped" | "dotted") => {
      const image = renderScene({ objects: [object({ shape: "square", colour: "green", texture })] }, 64);
      const inside = new Set<string>();
      for (let y = 25; y < 40; y++) for (let x = 25; x < 40; x++) inside.add(pixel(image, x, y).join(","));
      return inside;
    };
    expect(distinct("plain")).toEqual(new Set([COLOUR_RGB.green.join(",")]));
    const shade = COLOUR_RGB.green.map((c) => Math.round(c * 0.4)).join(",");
    expect(distinct("striped").has(shade)).toBe(true);
    expect(distinct("dotted").has(shade)).toBe(true);
  });

  it("is deterministic and draws at 32 px too", () => {
    const scene = {
      objects: [object({ shape: "star", x: 0.3 }), object({ shape: "cross", colour: "cyan", x: 0.75 })],
    };
    expect(renderScene(scene, 32).data).toEqual(renderScene(scene, 32).data);
    const image = renderScene(scene, 32);
    expect(pixel(image, 9, 16)).toEqual([...COLOUR_RGB.red]);
    expect(pixel(image, 24, 16)).toEqual([...COLOUR_RGB.cyan]);
  });
});
