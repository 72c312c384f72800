import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Our own code never evaluates strings or writes HTML: captions and file names reach the page
 * as text only (React escapes them). Library code is covered at run time by the CSP, which
 * forbids eval (e2e/security.spec.ts asserts that no violation is reported).
 */

const SRC = join(import.meta.dirname, "..");

const FORBIDDEN: [string, RegExp][] = [
  ["eval", /(?<![\w$.])eval\s*\(/],
  ["new Function", /\bnew\s+Function\s*\(/],
  ["Function constructor", /(?<![\w$.])Function\s*\(\s*["'`]/],
  ["string timer", /\bset(Timeout|Interval)\s*\(\s*["'`]/],
  ["innerHTML / outerHTML", /\.(inner|outer)HTML\b/],
  ["insertAdjacentHTML", /\binsertAdjacentHTML\b/],
  ["dangerouslySetInnerHTML", /\bdangerouslySetInnerHTML\b/],
  ["document.write", /\bdocument\.write(ln)?\s*\(/],
  ["createContextualFragment", /\bcreateContextualFragment\b/],
  ["srcdoc", /\bsrcdoc\b/],
  ["javascript: URL", /["'`]javascript:/i],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    // Tests may name these patterns (this one does); they never ship.
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe("our sources", () => {
  const files = sourceFiles(SRC);

  it("are found (the scan looks at the real tree)", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith("main.tsx"))).toBe(true);
  });

  it("never evaluate strings or write HTML", () => {
    const found: string[] = [];
    for (const file of files) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          for (const [what, pattern] of FORBIDDEN) {
            if (pattern.test(line)) found.push(`${relative(SRC, file)}:${i + 1}: ${what}: ${line.trim()}`);
          }
        });
    }
    expect(found).toEqual([]);
  });

  it("the scan catches each forbidden form", () => {
    const samples = [
      "eval(code)",
      "const f = new Function('a', 'return a')",
      "Function(`return this`)()",
      "setTimeout('run()', 1)",
      "el.innerHTML = caption",
      "el.insertAdjacentHTML('beforeend', x)",
      "<div dangerouslySetInnerHTML={{ __html: x }} />",
      "document.write(x)",
      "range.createContextualFragment(x)",
      "iframe.srcdoc = x",
      "a.href = 'javascript:alert(1)'",
    ];
    samples.forEach((sample, i) => {
      expect(FORBIDDEN[i][1].test(sample), sample).toBe(true);
    });
    for (const fine of [
      "scoreRetrieval(sims)",
      "evaluate(model)",
      "x.textContent = caption",
      "isFunction(f)",
    ]) {
      expect(
        FORBIDDEN.some(([, p]) => p.test(fine)),
        fine,
      ).toBe(false);
    }
  });
});
