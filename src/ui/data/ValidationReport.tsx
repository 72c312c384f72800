import { useState } from "react";
import { formatIssue } from "../../core/data/uploads/issues.js";
import type { UploadDataset } from "../../state/dataStore.js";
import { issueSummary } from "../../state/dataStore.js";

const SHOWN = 200;

/** The upload's problems, each with its file and line; bad items were skipped, the rest kept. */
export function ValidationReport({ dataset }: { dataset: UploadDataset }) {
  const [all, setAll] = useState(false);
  const { issues, summary } = dataset;
  const { errors, warnings, text } = issueSummary(issues);
  // Issues have no id; place, kind and position in the fixed list make one.
  const shown = (all ? issues : issues.slice(0, SHOWN)).map((issue, k) => ({
    issue,
    key: `${formatIssue(issue)}:${issue.kind}:${k}`,
  }));
  return (
    <section aria-label="Validation report" data-testid="upload-report">
      <h4>Validation report</h4>
      <p data-testid="upload-summary">
        {summary.items} of {summary.records} records kept from{" "}
        {summary.annotationFiles.join(", ") || "no annotation file"} ({summary.images} images decoded,{" "}
        {summary.files} files); {summary.skipped} skipped.{" "}
        {issues.length === 0 ? "No problems found." : `${errors} errors, ${warnings} warnings: ${text}.`}
      </p>
      {issues.length > 0 && (
        <ul className="hn-issues" data-testid="upload-issues">
          {shown.map(({ issue, key }) => (
            <li
              key={key}
              data-testid="upload-issue"
              data-kind={issue.kind}
              className={issue.severity === "error" ? "error" : "warn"}
            >
              <strong>{issue.severity}</strong> ({issue.kind}) {formatIssue(issue)}
            </li>
          ))}
        </ul>
      )}
      {issues.length > SHOWN && !all && (
        <button type="button" className="small" onClick={() => setAll(true)}>
          Show all {issues.length} issues
        </button>
      )}
    </section>
  );
}
