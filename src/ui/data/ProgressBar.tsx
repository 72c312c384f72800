/** A labelled progress bar with its text ("Decoding images: 3 / 10"), announced politely. */
export function ProgressBar({
  label,
  done,
  total,
  testId,
}: {
  label: string;
  done: number;
  total: number;
  testId?: string;
}) {
  return (
    <div role="status" aria-live="polite" className="hn-progress" data-testid={testId}>
      <progress max={Math.max(1, total)} value={Math.min(done, Math.max(1, total))} aria-label={label} />
      <span className="hn-small">{label}</span>
    </div>
  );
}
