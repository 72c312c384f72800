import { describe, expect, it } from "vitest";
import { insideShape, TEXTURE_TESTS } from "./geometry.js";
import { SHAPES } from "./vocabulary.js";

describe("shapes", () => {
  it("contain their centre and stay inside the unit box", () => {
    for (const shape of SHAPES) {
      expect(insideShape(shape, 0, 0)).toBe(true);
      for (let i = -12; i <= 12; i++) {
        for (const edge of [-1.01, 1.01]) {
          expect(insideShape(shape, edge, i / 12)).toBe(false);
          expect(insideShape(shape, i / 12, edge)).toBe(false);
        }
      }
    }
  });

  it("tell the shapes apart at characteristic points", () => {
    // Corner region: only the square fills it.
    expect(SHAPES.filter((s) => insideShape(s, 0.75, -0.75))).toEqual(["square"]);
    // Far along the horizontal axis: square, circle, cross, diamond; not the star or the triangle there.
    expect(SHAPES.filter((s) => insideShape(s, 0.85, 0))).toEqual(["circle", "cross", "diamond"]);
    // The star's top tip and the triangle's apex.
    expect(insideShape("star", 0, -0.95)).toBe(true);
    expect(insideShape("triangle", 0, -0.95)).toBe(true);
    expect(insideShape("square", 0, -0.95)).toBe(false);
    // Between two star points near the outer radius.
    expect(insideShape("star", 0.4, -0.8)).toBe(false);
    // Base corners of the triangle.
    expect(insideShape("triangle", 0.9, 0.79)).toBe(true);
    expect(insideShape("triangle", 0.9, 0)).toBe(false);
  });
});

describe("textures", () => {
  it("leave the centre in the object colour", () => {
    expect(TEXTURE_TESTS.striped(0, 0)).toBe(false);
    expect(TEXTURE_TESTS.dotted(0, 0)).toBe(false);
  });

  it("shade bands and dots where expected", () => {
    expect(TEXTURE_TESTS.plain(0.3, 0.3)).toBe(false);
    expect(TEXTURE_TESTS.striped(0.5, 1 / 3)).toBe(true); // half a period below the centre band
    expect(TEXTURE_TESTS.striped(-0.7, 2 / 3)).toBe(false); // a full period: object colour again
    expect(TEXTURE_TESTS.dotted(0.3, 0.3)).toBe(true); // a dot centre
    expect(TEXTURE_TESTS.dotted(0.3, 0)).toBe(false); // between two dots
  });
});
