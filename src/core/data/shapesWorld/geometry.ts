import type { ShapeName, TextureName } from "./vocabulary.js";

/**
 * Shapes as horizontal spans and textures as point tests, in object-local units:
 * (u, v) = (pixel - centre) / radius. Every shape lies inside the box [-1, 1]^2 and contains
 * its centre (so the centre pixel of an object shows its colour). A shape is defined by
 * its spans: for a row v, the closed intervals of u inside it. Rows make rasterising cheap
 * (no per-sample shape test) and make the definition exact for tests.
 */
export type PointTest = (u: number, v: number) => boolean;

/** Appends [u0, u1, u2, u3, ...] (sorted, disjoint closed intervals) for row v to `out`. */
export type SpanFunction = (v: number, out: number[]) => void;

/** Rounded to 1e-6 so that engines whose Math.cos/sin differ in the last bit draw the same star. */
function starPolygon(points: number, outer: number, inner: number): Float64Array {
  const vertices = new Float64Array(points * 4);
  for (let i = 0; i < points * 2; i++) {
    const angle = -Math.PI / 2 + (i * Math.PI) / points;
    const radius = i % 2 === 0 ? outer : inner;
    vertices[2 * i] = Math.round(Math.cos(angle) * radius * 1e6) / 1e6;
    vertices[2 * i + 1] = Math.round(Math.sin(angle) * radius * 1e6) / 1e6;
  }
  return vertices;
}

/** Even-odd rule: the row's crossings with the polygon's edges, paired into intervals. */
function polygonSpans(vertices: Float64Array): SpanFunction {
  const n = vertices.length / 2;
  const crossings: number[] = [];
  return (v, out) => {
    crossings.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = vertices[2 * i];
      const yi = vertices[2 * i + 1];
      const xj = vertices[2 * j];
      const yj = vertices[2 * j + 1];
      if (yi > v !== yj > v) crossings.push(((xj - xi) * (v - yi)) / (yj - yi) + xi);
    }
    crossings.sort((a, b) => a - b);
    for (const x of crossings) out.push(x);
  };
}

const symmetric = (out: number[], half: number) => {
  out.push(-half, half);
};

export const SHAPE_SPANS: Readonly<Record<ShapeName, SpanFunction>> = {
  square: (v, out) => {
    if (Math.abs(v) <= 0.8) symmetric(out, 0.8);
  },
  circle: (v, out) => {
    if (v * v <= 0.9025) symmetric(out, Math.sqrt(0.9025 - v * v));
  },
  // Apex up at v = -1, base at v = 0.8, half-width 0.95 at the base.
  triangle: (v, out) => {
    if (v >= -1 && v <= 0.8) symmetric(out, (0.95 * (v + 1)) / 1.8);
  },
  star: polygonSpans(starPolygon(5, 1, 0.45)),
  cross: (v, out) => {
    const av = Math.abs(v);
    if (av <= 0.3) symmetric(out, 0.95);
    else if (av <= 0.95) symmetric(out, 0.3);
  },
  diamond: (v, out) => {
    if (Math.abs(v) <= 1) symmetric(out, 1 - Math.abs(v));
  },
};

/** Point membership derived from the spans (for tests and one-off queries). */
export function insideShape(shape: ShapeName, u: number, v: number): boolean {
  const spans: number[] = [];
  SHAPE_SPANS[shape](v, spans);
  for (let i = 0; i < spans.length; i += 2) if (u >= spans[i] && u <= spans[i + 1]) return true;
  return false;
}

const STRIPE_PERIOD = 2 / 3;
const DOT_PERIOD = 0.6;
const DOT_RADIUS_SQUARED = 0.18 * 0.18;

/** Whether a point of the object shows the darker texture shade instead of its colour. */
export const TEXTURE_TESTS: Readonly<Record<TextureName, PointTest>> = {
  plain: () => false,
  // Horizontal bands; the band through the centre has the object colour.
  striped: (_u, v) => {
    const phase = v / STRIPE_PERIOD + 0.25;
    return phase - Math.floor(phase) >= 0.5;
  },
  // Dots on a grid offset by half a period, so the centre lies between four dots.
  dotted: (u, v) => {
    const du = (u / DOT_PERIOD - Math.floor(u / DOT_PERIOD) - 0.5) * DOT_PERIOD;
    const dv = (v / DOT_PERIOD - Math.floor(v / DOT_PERIOD) - 0.5) * DOT_PERIOD;
    return du * du + dv * dv <= DOT_RADIUS_SQUARED;
  },
};
