import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import type { Harness } from "./harness.js";

export const FIXTURES = join(import.meta.dirname, "../test/fixtures");

export function readFixtureJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, relativePath), "utf8")) as T;
}

/** Opens the harness page and waits for its modules. */
export async function openHarness(page: Page): Promise<void> {
  await page.goto("/e2e/harness.html");
  await page.waitForSelector("body[data-ready=true]");
}

declare global {
  interface Window {
    harness: Harness;
  }
}

export function maxAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}
