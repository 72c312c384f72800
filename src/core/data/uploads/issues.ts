/**
 * Problems found in user data (uploads and benchmark files), each located by file, line and
 * field so the message can point at the exact place. Errors drop the item (or the whole file);
 * warnings keep the item with something left out or changed, and say what.
 */

export type IssueKind =
  /** A whole file is unusable: not the format it claims, a missing column, a rejected zip. */
  | "bad-file"
  /** A row or record that cannot be read: wrong field count, bad JSON, a wrong field type. */
  | "malformed-row"
  | "missing-image"
  | "unreadable-image"
  | "empty-caption"
  | "duplicate"
  /** A negative or negative type that was dropped or changed. */
  | "negatives"
  /** A configured limit (rows, files, bytes, caption length) was reached. */
  | "limit";

export interface DataIssue {
  severity: "error" | "warning";
  kind: IssueKind;
  file: string;
  /** 1-based line where the row or record starts. */
  line?: number;
  /** The entry inside a JSON file, e.g. "annotations[12]" or the key "1043". */
  entry?: string;
  field?: string;
  /** One line, no location (formatIssue adds it). */
  message: string;
}

/** "data.csv line 4 (annotations[3]), image". */
export function formatLocation(at: IssueLocation & { field?: string }): string {
  let where = at.file;
  if (at.line !== undefined) where += ` line ${at.line}`;
  if (at.entry !== undefined) where += ` (${at.entry})`;
  if (at.field !== undefined) where += `, ${at.field}`;
  return where;
}

/** "data.csv line 4 (annotations[3]), image: message". */
export function formatIssue(issue: DataIssue): string {
  return `${formatLocation(issue)}: ${issue.message}`;
}

/**
 * Collects issues up to a cap, so a million bad rows cannot exhaust memory; beyond the cap
 * only the counts grow and one closing "limit" entry says how many were left out.
 */
export class IssueList {
  readonly items: DataIssue[] = [];
  readonly counts: Record<IssueKind, number> = {
    "bad-file": 0,
    "malformed-row": 0,
    "missing-image": 0,
    "unreadable-image": 0,
    "empty-caption": 0,
    duplicate: 0,
    negatives: 0,
    limit: 0,
  };
  private omitted = 0;

  constructor(private readonly cap = 10_000) {}

  add(issue: DataIssue): void {
    this.counts[issue.kind] += 1;
    if (this.items.length < this.cap) this.items.push(issue);
    else this.omitted += 1;
  }

  error(kind: IssueKind, at: IssueLocation, message: string, field?: string): void {
    this.add({ severity: "error", kind, ...at, ...(field !== undefined ? { field } : {}), message });
  }

  warning(kind: IssueKind, at: IssueLocation, message: string, field?: string): void {
    this.add({ severity: "warning", kind, ...at, ...(field !== undefined ? { field } : {}), message });
  }

  get total(): number {
    return this.items.length + this.omitted;
  }

  /** The stored issues plus, past the cap, one entry counting the rest. */
  toArray(): DataIssue[] {
    if (this.omitted === 0) return [...this.items];
    return [
      ...this.items,
      {
        severity: "warning",
        kind: "limit",
        file: "(all files)",
        message: `${this.omitted} more issues not listed (only the first ${this.cap} are kept)`,
      },
    ];
  }
}

/** Where a record came from. */
export interface IssueLocation {
  file: string;
  line?: number;
  entry?: string;
}
