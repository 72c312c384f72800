import type { IssueList, IssueLocation } from "./issues.js";
import type { UploadLimits } from "./types.js";

/** What every annotation reader gets: where to report, the limits, and the record budget. */
export interface ReaderContext {
  issues: IssueList;
  limits: UploadLimits;
  /**
   * Claims one record of the `maxItems` budget; false (reported once) when it is spent, and
   * the reader stops.
   */
  take(at: IssueLocation): boolean;
  /** Records claimed so far (read or skipped as malformed). */
  readonly taken: number;
}

export function createReaderContext(issues: IssueList, limits: UploadLimits): ReaderContext {
  let remaining = limits.maxItems;
  let reported = false;
  return {
    issues,
    limits,
    get taken() {
      return limits.maxItems - remaining;
    },
    take(at) {
      if (remaining > 0) {
        remaining -= 1;
        return true;
      }
      if (!reported) {
        issues.error("limit", at, `more than ${limits.maxItems} records; this one and the rest are left out`);
        reported = true;
      }
      return false;
    },
  };
}
