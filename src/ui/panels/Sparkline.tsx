import { sparklinePoints } from "./samplesLogic.js";

interface SparklineProps {
  values: number[];
  /** A horizontal reference line (e.g. the threshold theta_k), drawn dashed. */
  reference?: number;
  width?: number;
  height?: number;
  /** What the line shows, for screen readers (the values are appended). */
  label: string;
  format?: (v: number) => string;
}

/** A tiny line chart of a few values (SVG); the last point is marked. */
export function Sparkline({
  values,
  reference,
  width = 160,
  height = 36,
  label,
  format = (v) => v.toFixed(2),
}: SparklineProps) {
  if (values.length === 0) return <span className="muted">no evaluations</span>;
  const all = reference === undefined ? values : [...values, reference];
  const { points, y } = sparklinePoints(values, width, height, {
    min: Math.min(...all),
    max: Math.max(...all),
  });
  const last = points.split(" ").pop()!.split(",").map(Number);
  return (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${label}: ${values.map(format).join(", ")}`}
    >
      {reference !== undefined && (
        <line
          x1={0}
          x2={width}
          y1={y(reference)}
          y2={y(reference)}
          stroke="#b00020"
          strokeDasharray="3 3"
          strokeWidth={1}
        />
      )}
      <polyline points={points} fill="none" stroke="#3b6ef5" strokeWidth={1.5} />
      <circle cx={last[0]} cy={last[1]} r={2.5} fill="#3b6ef5" />
    </svg>
  );
}
