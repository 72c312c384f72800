import { afterEach, describe, expect, it, vi } from "vitest";
import { compactHistory, isSession, loadSession, saveSession, throttle } from "./persist.js";

describe("compactHistory", () => {
  it("leaves short histories alone", () => {
    const h = [1, 2, 3];
    expect(compactHistory(h, 10, 5)).toBe(h);
  });

  it("bounds the length, keeps the recent part whole and the first step", () => {
    const h = Array.from({ length: 100 }, (_, i) => i);
    const out = compactHistory(h, 40, 20);
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out[0]).toBe(0);
    expect(out.slice(-20)).toEqual(h.slice(-20));
    for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThan(out[i - 1]);
  });

  it("stays bounded when appended to step by step (100k steps)", () => {
    let h: number[] = [];
    for (let s = 0; s < 100_000; s += 50) {
      h = compactHistory(h.concat(Array.from({ length: 50 }, (_, i) => s + i)), 2000, 1000);
    }
    expect(h.length).toBeLessThanOrEqual(2000);
    expect(h[0]).toBe(0);
    expect(h[h.length - 1]).toBe(99_999);
  });
});

describe("session storage without IndexedDB (Node)", () => {
  it("saves nothing and loads nothing, without throwing", async () => {
    expect(await saveSession({ config: {}, history: [], evals: [], step: 0, totalSteps: 0, epoch: 0 })).toBe(
      false,
    );
    expect(await loadSession()).toBeUndefined();
  });

  it("recognises a stored session", () => {
    expect(isSession({ version: 1, history: [], evals: [] })).toBe(true);
    expect(isSession({ version: 2, history: [], evals: [] })).toBe(false);
    expect(isSession(null)).toBe(false);
  });
});

describe("throttle", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs at most once per interval and flushes a pending call", () => {
    vi.useFakeTimers();
    const save = vi.fn();
    const t = throttle(save, 1000);
    t.schedule();
    t.schedule();
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(save).toHaveBeenCalledTimes(1);
    t.schedule();
    t.flush();
    expect(save).toHaveBeenCalledTimes(2);
    t.flush();
    expect(save).toHaveBeenCalledTimes(2);
  });
});
