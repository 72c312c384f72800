/** Whether `promise` settles (either way: a rejection is still an answer) within `ms`. */
export function answersWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const answered = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(answered, answered);
  });
}

export interface HeartbeatOptions {
  /** A cheap request to the worker. */
  ping(): Promise<unknown>;
  intervalMs: number;
  /** A ping unanswered this long is a miss. */
  timeoutMs: number;
  /** Misses in a row that are still tolerated (a long step can hold the worker's thread). */
  missesAllowed: number;
  /** Pings only while this holds (a run is going). */
  active(): boolean;
  onDead(): void;
}

/**
 * Pings every `intervalMs` while `active()`; after more than `missesAllowed` unanswered pings
 * in a row, calls `onDead` (a worker that closed, crashed without a word, or hangs).
 * Returns a function that stops it.
 */
export function startHeartbeat(options: HeartbeatOptions): () => void {
  let misses = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const beat = async () => {
    if (options.active()) {
      const alive = await answersWithin(options.ping(), options.timeoutMs);
      if (stopped) return;
      misses = alive ? 0 : misses + 1;
      if (misses > options.missesAllowed) {
        misses = 0;
        options.onDead();
      }
    } else misses = 0;
    if (!stopped) timer = setTimeout(beat, options.intervalMs);
  };
  timer = setTimeout(beat, options.intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** The stored checkpoint, as far as resumption is concerned. */
export interface ResumeOffer {
  step: number;
  totalSteps: number;
  objective: string;
  batchSize: number;
}

/** A checkpoint is worth offering when it is of a run that took steps and did not finish. */
export function resumableCheckpoint(
  info: ResumeOffer | { error: string } | undefined,
): ResumeOffer | undefined {
  if (!info || "error" in info) return undefined;
  return info.step > 0 && info.step < info.totalSteps ? info : undefined;
}
