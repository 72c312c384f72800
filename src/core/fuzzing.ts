import type * as fc from "fast-check";
import { expect } from "vitest";

/**
 * Test-only helpers for the property-based fuzz suites (`*.fuzz.test.ts`): every malformed
 * input must end in an error the user can read, quickly. Never imported by app code.
 */

// biome-ignore lint/suspicious/noExplicitAny: any constructor of an Error subclass
type ErrorClass = abstract new (...args: any[]) => Error;

/** Per-input time limit: generous for a slow shared CI machine, far below a hang. */
export const INPUT_BUDGET_MS = 2000;

/** Text of errors thrown by JavaScript itself deep inside a parser, never meant for a user. */
const RAW_JS_MESSAGE =
  /Cannot read propert|is not a function|is not iterable|is not defined|Maximum call stack|Invalid (typed )?array length|out of memory|offset is out of bounds/i;

/** fast-check settings: `FUZZ_SEED` replays a failure that CI printed. */
export function fuzzRuns(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED;
  return { numRuns, ...(seed ? { seed: Number(seed) } : {}) };
}

function checkTime(started: number, what: string): void {
  const elapsed = performance.now() - started;
  expect(elapsed, `${what} took ${elapsed.toFixed(0)} ms`).toBeLessThan(INPUT_BUDGET_MS);
}

/** Checks that an error is one of `kinds`, with a short one-line message in words. */
export function expectUserFacing(error: unknown, kinds: ErrorClass[]): Error {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error;
  const kindNames = kinds.map((k) => k.name).join(" or ");
  expect(
    kinds.some((kind) => e instanceof kind),
    `expected ${kindNames}, got ${e.name}: ${e.message}`,
  ).toBe(true);
  expect(e.message.trim().length, "empty message").toBeGreaterThan(0);
  expect(e.message, "multi-line message").not.toMatch(/\n/);
  expect(e.message.length, `message too long: ${e.message.slice(0, 200)}`).toBeLessThan(500);
  expect(e.message, "a raw JavaScript error reached the user").not.toMatch(RAW_JS_MESSAGE);
  return e;
}

/** Runs a parser on an input that must be refused; returns the (checked) error. */
export function expectRefused(parse: () => unknown, kinds: ErrorClass[]): Error {
  const started = performance.now();
  let error: unknown;
  try {
    parse();
  } catch (e) {
    error = e;
  }
  checkTime(started, "refusing the input");
  expect(error, "a malformed input was accepted").toBeDefined();
  return expectUserFacing(error, kinds);
}

/**
 * Runs a parser on a mutated input that may still be valid (a flipped byte in a name, say):
 * it either returns, or throws a user-facing error; both within the time budget.
 */
export function expectAcceptedOrRefused<T>(
  parse: () => T,
  kinds: ErrorClass[],
): { ok: true; value: T } | { ok: false; error: Error } {
  const started = performance.now();
  try {
    const value = parse();
    checkTime(started, "accepting the input");
    return { ok: true, value };
  } catch (e) {
    checkTime(started, "refusing the input");
    return { ok: false, error: expectUserFacing(e, kinds) };
  }
}
