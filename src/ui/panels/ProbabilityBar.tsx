/** A small horizontal bar for a value in [0, 1]; decorative (the number is printed next to it). */
export function ProbabilityBar({ value, current = false }: { value: number; current?: boolean }) {
  const width = Number.isFinite(value) ? Math.max(0, Math.min(1, value)) * 100 : 0;
  return (
    <span className="hn-bar-track" aria-hidden="true">
      <span className={current ? "hn-bar hn-current" : "hn-bar"} style={{ width: `${width}%` }} />
    </span>
  );
}
