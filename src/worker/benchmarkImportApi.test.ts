import { describe, expect, it } from "vitest";
import { imageFilesFromBlobs, subsetOf } from "./benchmarkImportApi.js";
import { fitShortSide } from "./uploadImages.js";

describe("benchmark import helpers", () => {
  it("names a subset after its file", () => {
    expect(subsetOf("sugarcrepe/swap_obj.json")).toBe("swap_obj");
    expect(subsetOf("valse.v1.json")).toBe("valse.v1");
    expect(subsetOf(".hidden")).toBe(".hidden");
  });

  it("resolves image references by name and reads only the requested blobs", async () => {
    const files = [
      { name: "val2017/000000000139.jpg", file: new Blob([new Uint8Array([1, 2, 3])]) },
      { name: "val2017/000000000285.jpg", file: new Blob([new Uint8Array([4])]) },
    ];
    const images = imageFilesFromBlobs(files);
    expect(images.resolve("000000000139.jpg")).toEqual({ name: "val2017/000000000139.jpg" });
    expect(images.resolve("nope.jpg")).toHaveProperty("problem");
    const read = await images.read(["val2017/000000000285.jpg", "absent.jpg"]);
    expect([...read.keys()]).toEqual(["val2017/000000000285.jpg"]);
    expect([...(read.get("val2017/000000000285.jpg") as Uint8Array)]).toEqual([4]);
  });
});

describe("fitShortSide", () => {
  it("scales the shorter side down to the cap, keeping the aspect; never enlarges", () => {
    expect(fitShortSide(640, 480, 256)).toEqual({ width: 341, height: 256 });
    expect(fitShortSide(480, 640, 256)).toEqual({ width: 256, height: 341 });
    expect(fitShortSide(100, 50, 256)).toEqual({ width: 100, height: 50 });
    expect(fitShortSide(10_000, 3, 2)).toEqual({ width: 6667, height: 2 });
  });
});
