/**
 * File names inside an upload (a dropped folder, a zip, loose files) and how an annotation's
 * image reference finds one of them: relative to the annotation file, then to the upload's
 * root, then as the one file of that name sharing the most trailing folders (so absolute
 * paths from the author's machine and COCO's bare file names work).
 */

/** "/"-separated, no "." segments, ".." folded; undefined when it climbs above the root. */
export function normalizePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Lower-case extension without the dot ("" if none). */
export function extension(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase();
}

export const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "avif"];

export type Resolution = { name: string } | { problem: string };

/** Looks up image references among a fixed set of file names. */
export class NameIndex {
  private readonly names: Set<string>;
  private readonly byBase = new Map<string, string[]>();

  /** `place` names where the files are, in messages ("the upload", "--images"). */
  constructor(
    names: Iterable<string>,
    private readonly place = "the upload",
  ) {
    this.names = new Set(names);
    for (const name of this.names) {
      const base = basename(name);
      const list = this.byBase.get(base);
      if (list) list.push(name);
      else this.byBase.set(base, [name]);
    }
  }

  get size(): number {
    return this.names.size;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /**
   * The stored name for `reference`, seen from folder `from`. References without an
   * extension also try the usual image extensions (Winoground names images "ex_0_img_0").
   */
  resolve(reference: string, from = ""): Resolution {
    const ref = reference.trim();
    if (ref === "") return { problem: "no image named" };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref))
      return { problem: `"${ref}" is a URL; images are not downloaded` };
    const candidates = extension(ref) === "" ? [ref, ...IMAGE_EXTENSIONS.map((e) => `${ref}.${e}`)] : [ref];
    for (const candidate of candidates) {
      const found = this.lookup(candidate, from);
      if ("name" in found || found.problem !== "") return found;
    }
    return { problem: `image "${ref}" is not in ${this.place}` };
  }

  private lookup(ref: string, from: string): Resolution | { problem: "" } {
    const absolute = /^([a-zA-Z]:)?[\\/]/.test(ref);
    const plain = ref.replace(/^[a-zA-Z]:/, "");
    if (!absolute) {
      for (const base of from === "" ? [""] : [from, ""]) {
        const path = normalizePath(base === "" ? plain : `${base}/${plain}`);
        if (path !== undefined && this.names.has(path)) return { name: path };
      }
    }
    // Same file name elsewhere: the one sharing the most trailing folders wins, if only one does
    // ("/home/me/coco/val2014/x.jpg" finds "upload/val2014/x.jpg").
    const tail = normalizePath(plain.replace(/^([\\/]|\.\.[\\/])+/, ""));
    if (tail === undefined || tail === "") return { problem: "" };
    const wanted = tail.split("/").reverse();
    const shared = (name: string) => {
      const parts = name.split("/").reverse();
      let k = 0;
      while (k < parts.length && k < wanted.length && parts[k] === wanted[k]) k++;
      return k;
    };
    const candidates = (this.byBase.get(basename(tail)) ?? []).map((name) => ({ name, score: shared(name) }));
    const best = Math.max(0, ...candidates.map((c) => c.score));
    const matches = candidates.filter((c) => c.score === best).map((c) => c.name);
    if (matches.length === 1) return { name: matches[0] };
    if (matches.length > 1)
      return {
        problem: `image "${ref}" matches ${matches.length} files (${matches.slice(0, 3).join(", ")})`,
      };
    return { problem: "" };
  }
}
