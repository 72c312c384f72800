import { describe, expect, it } from "vitest";
import { type EntryLike, filesFromEntries, filesFromInput } from "./collectFiles.js";

const file = (name: string, text = name) => new File([text], name);

function fileEntry(fullPath: string): EntryLike {
  const name = fullPath.slice(fullPath.lastIndexOf("/") + 1);
  return { isFile: true, isDirectory: false, name, fullPath, file: (ok) => ok(file(name)) };
}

/** A folder whose reader pages its children `pageSize` at a time, as Chromium does (100). */
function dirEntry(fullPath: string, children: EntryLike[], pageSize = 2): EntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.slice(fullPath.lastIndexOf("/") + 1),
    fullPath,
    createReader() {
      let at = 0;
      return {
        readEntries(ok) {
          ok(children.slice(at, at + pageSize));
          at += pageSize;
        },
      };
    },
  };
}

describe("collectFiles", () => {
  it("walks nested folders through every page of readEntries, keeping paths", async () => {
    const tree = [
      dirEntry("/photos", [
        fileEntry("/photos/a.png"),
        fileEntry("/photos/b.png"),
        fileEntry("/photos/data.csv"),
        dirEntry("/photos/more", [fileEntry("/photos/more/c.png")]),
        fileEntry("/photos/d.png"),
      ]),
      fileEntry("/loose.jsonl"),
    ];
    const files = await filesFromEntries(tree);
    expect(files.map((f) => f.name)).toEqual([
      "photos/a.png",
      "photos/b.png",
      "photos/data.csv",
      "photos/more/c.png",
      "photos/d.png",
      "loose.jsonl",
    ]);
    expect(await files[2].file.text()).toBe("data.csv");
  });

  it("a failing entry rejects with the browser's error", async () => {
    const bad: EntryLike = {
      isFile: true,
      isDirectory: false,
      name: "x.png",
      fullPath: "/x.png",
      file: (_ok, fail) => fail?.(new Error("NotReadableError")),
    };
    await expect(filesFromEntries([bad])).rejects.toThrow("NotReadableError");
  });

  it("input files use webkitRelativePath when a folder was picked", () => {
    const inFolder = file("a.png");
    Object.defineProperty(inFolder, "webkitRelativePath", { value: "set/a.png" });
    expect(filesFromInput([inFolder, file("b.csv")]).map((f) => f.name)).toEqual(["set/a.png", "b.csv"]);
  });
});
