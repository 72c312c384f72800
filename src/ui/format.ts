/** "1 h 5 min", "3 min 20 s", "42 s"; "–" when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  return m > 0 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.round(seconds)} s`;
}
