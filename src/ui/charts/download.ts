/** Browser downloads of chart data (CSV) and chart images (PNG from the chart's SVG). */

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, filename: string, type = "text/csv"): void {
  downloadBlob(new Blob([text], { type: `${type};charset=utf-8` }), filename);
}

/** A standalone copy of an SVG element: size, namespace, font and white background set. */
function standaloneSvg(svg: SVGSVGElement): { text: string; width: number; height: number } {
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width || Number(svg.getAttribute("width")) || 600));
  const height = Math.max(1, Math.round(box.height || Number(svg.getAttribute("height")) || 300));
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  const style = getComputedStyle(svg);
  clone.setAttribute("font-family", style.fontFamily || "sans-serif");
  clone.setAttribute("font-size", style.fontSize || "12px");
  const bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  bg.setAttribute("width", "100%");
  bg.setAttribute("height", "100%");
  bg.setAttribute("fill", "#ffffff");
  clone.insertBefore(bg, clone.firstChild);
  return { text: new XMLSerializer().serializeToString(clone), width, height };
}

function loadImage(svgText: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error("the chart could not be rendered to an image"));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  });
}

export interface LegendEntry {
  label: string;
  color: string;
  dashed?: boolean;
}

const LEGEND_ROW = 20;

/** Legend rows: entries packed left to right, wrapping at `width`. */
function layoutLegend(ctx: CanvasRenderingContext2D, legend: LegendEntry[], width: number) {
  const placed: { entry: LegendEntry; x: number; row: number }[] = [];
  let x = 8;
  let row = 0;
  for (const entry of legend) {
    const w = 28 + ctx.measureText(entry.label).width + 16;
    if (x + w > width && x > 8) {
      row++;
      x = 8;
    }
    placed.push({ entry, x, row });
    x += w;
  }
  return { placed, rows: legend.length > 0 ? row + 1 : 0 };
}

/**
 * Draws every chart SVG inside `container` (stacked top to bottom) on a canvas and downloads
 * it as a PNG; `title` is written above them and the legend below.
 */
export async function downloadChartPng(
  container: HTMLElement,
  filename: string,
  title?: string,
  legend: LegendEntry[] = [],
) {
  const svgs = Array.from(
    container.querySelectorAll<SVGSVGElement>(".recharts-wrapper > svg.recharts-surface"),
  );
  if (svgs.length === 0) throw new Error("no chart to export");
  const parts = svgs.map(standaloneSvg);
  const scale = Math.min(2, globalThis.devicePixelRatio || 1) || 1;
  const header = title ? 28 : 0;
  const width = Math.max(...parts.map((p) => p.width));
  const measure = document.createElement("canvas").getContext("2d");
  if (measure) measure.font = "13px system-ui, sans-serif";
  const legendLayout = measure ? layoutLegend(measure, legend, width) : { placed: [], rows: 0 };
  const chartsHeight = parts.reduce((sum, p) => sum + p.height, 0);
  const height = header + chartsHeight + legendLayout.rows * LEGEND_ROW + (legendLayout.rows ? 8 : 0);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  ctx.scale(scale, scale);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  if (title) {
    ctx.fillStyle = "#1d2330";
    ctx.font = "600 16px system-ui, sans-serif";
    ctx.fillText(title, 8, 20);
  }
  let y = header;
  for (const part of parts) {
    ctx.drawImage(await loadImage(part.text), 0, y, part.width, part.height);
    y += part.height;
  }
  ctx.font = "13px system-ui, sans-serif";
  for (const { entry, x, row } of legendLayout.placed) {
    const ly = y + 4 + row * LEGEND_ROW + LEGEND_ROW / 2;
    ctx.strokeStyle = entry.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(entry.dashed ? [5, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x, ly);
    ctx.lineTo(x + 22, ly);
    ctx.stroke();
    ctx.fillStyle = "#1d2330";
    ctx.fillText(entry.label, x + 28, ly + 4);
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("PNG encoding failed");
  downloadBlob(blob, filename);
}
