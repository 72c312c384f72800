import { describe, expect, it } from "vitest";
import { NameIndex, normalizePath } from "./paths.js";

describe("normalizePath", () => {
  it("folds . and .., unifies separators, refuses to climb above the root", () => {
    expect(normalizePath("a\\b/./c//d.png")).toBe("a/b/c/d.png");
    expect(normalizePath("a/../b.png")).toBe("b.png");
    expect(normalizePath("../b.png")).toBeUndefined();
  });
});

describe("NameIndex.resolve", () => {
  const index = new NameIndex([
    "set/data.csv",
    "set/img/a.png",
    "set/img/b.jpg",
    "other/img/b.jpg",
    "ex_0_img_0.png",
  ]);

  it("looks next to the annotation file, then from the root, then by a unique trailing match", () => {
    expect(index.resolve("img/a.png", "set")).toEqual({ name: "set/img/a.png" });
    expect(index.resolve("./img/../img/a.png", "set")).toEqual({ name: "set/img/a.png" });
    expect(index.resolve("set/img/a.png", "elsewhere")).toEqual({ name: "set/img/a.png" });
    expect(index.resolve("/home/me/data/img/a.png")).toEqual({ name: "set/img/a.png" });
    expect(index.resolve("C:\\data\\img\\a.png")).toEqual({ name: "set/img/a.png" });
    expect(index.resolve("a.png")).toEqual({ name: "set/img/a.png" });
    expect(index.resolve("../../img/a.png")).toEqual({ name: "set/img/a.png" });
  });

  it("tries image extensions for a name without one", () => {
    expect(index.resolve("ex_0_img_0")).toEqual({ name: "ex_0_img_0.png" });
  });

  it("says why a reference finds nothing", () => {
    expect(index.resolve("b.jpg")).toEqual({
      problem: 'image "b.jpg" matches 2 files (set/img/b.jpg, other/img/b.jpg)',
    });
    expect(index.resolve("set/img/b.jpg")).toEqual({ name: "set/img/b.jpg" });
    expect(index.resolve("c.png")).toEqual({ problem: 'image "c.png" is not in the upload' });
    expect(index.resolve("  ")).toEqual({ problem: "no image named" });
    expect(index.resolve("https://example.org/a.png")).toEqual({
      problem: '"https://example.org/a.png" is a URL; images are not downloaded',
    });
    expect(new NameIndex([], "--images dir").resolve("x.png")).toEqual({
      problem: 'image "x.png" is not in --images dir',
    });
  });
});
