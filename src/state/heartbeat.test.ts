import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { answersWithin, resumableCheckpoint, startHeartbeat } from "./heartbeat.js";

describe("heartbeat", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answersWithin: a reply or a rejection in time is an answer, silence is not", async () => {
    const replied = answersWithin(Promise.resolve(1), 100);
    const rejected = answersWithin(Promise.reject(new Error("busy")), 100);
    const silent = answersWithin(new Promise(() => {}), 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(await replied).toBe(true);
    expect(await rejected).toBe(true);
    expect(await silent).toBe(false);
  });

  it("declares the worker dead after more than `missesAllowed` silent pings in a row", async () => {
    let answering = true;
    const onDead = vi.fn();
    const ping = vi.fn(() => (answering ? Promise.resolve() : new Promise(() => {})));
    const stop = startHeartbeat({
      ping,
      intervalMs: 1000,
      timeoutMs: 500,
      missesAllowed: 2,
      active: () => true,
      onDead,
    });
    await vi.advanceTimersByTimeAsync(3000); // three answered pings
    expect(ping).toHaveBeenCalledTimes(3);
    answering = false;
    // Each silent beat takes 500 ms (timeout) + 1000 ms (interval): misses at 4.5 s, 6 s, 7.5 s.
    await vi.advanceTimersByTimeAsync(3000);
    expect(onDead).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1500);
    expect(onDead).toHaveBeenCalledTimes(1);
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it("an answer resets the count, and nothing is pinged while inactive", async () => {
    let active = false;
    const replies = [false, false, true, false, false];
    const ping = vi.fn(() => (replies.shift() ? Promise.resolve() : new Promise(() => {})));
    const onDead = vi.fn();
    startHeartbeat({
      ping,
      intervalMs: 1000,
      timeoutMs: 500,
      missesAllowed: 2,
      active: () => active,
      onDead,
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(ping).not.toHaveBeenCalled();
    active = true;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ping.mock.calls.length).toBeGreaterThan(5);
    // miss, miss, answer, miss, miss, then silence (shift() of an empty list): dead at the 6th.
    expect(onDead).toHaveBeenCalled();
    expect(onDead.mock.invocationCallOrder[0]).toBeGreaterThan(ping.mock.invocationCallOrder[5]);
  });
});

describe("resumableCheckpoint", () => {
  const info = { step: 6, totalSteps: 400, objective: "ceclip", batchSize: 4 };
  it("offers a checkpoint of an unfinished run that took steps, nothing else", () => {
    expect(resumableCheckpoint(info)).toEqual(info);
    expect(resumableCheckpoint({ ...info, step: 0 })).toBeUndefined();
    expect(resumableCheckpoint({ ...info, step: 400 })).toBeUndefined();
    expect(resumableCheckpoint({ error: "checkpoint metadata: field cursor" })).toBeUndefined();
    expect(resumableCheckpoint(undefined)).toBeUndefined();
  });
});
