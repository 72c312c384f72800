import { type ReactNode, startTransition, useEffect, useState } from "react";

/**
 * Spreading chart work over tasks: one recharts chart costs tens of milliseconds to update
 * and more to mount, so the Train tab's charts each take their turn, `STAGGER_MS` apart, and
 * no task blocks the main thread for 50 ms (e2e/flow.spec.ts measures it).
 */
export const STAGGER_MS = 150;

/** `value`, handed on `delayMs` after it changes, as a low-priority update. */
export function useStaggered<T>(value: T, delayMs: number): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => startTransition(() => setShown(value)), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return shown;
}

/** `children` from `delayMs` after mounting on, a placeholder of a chart's height before. */
export function Later({ delayMs, children }: { delayMs: number; children: ReactNode }) {
  const [ready, setReady] = useState(delayMs === 0);
  useEffect(() => {
    if (ready) return;
    const timer = setTimeout(() => startTransition(() => setReady(true)), delayMs);
    return () => clearTimeout(timer);
  }, [ready, delayMs]);
  return ready ? children : <div className="chart-slot" />;
}
