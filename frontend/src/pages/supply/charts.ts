// Supply charts as hand-written SVG: concentration over time (HHI and governance-weighted HHI), the EU
// criticality matrix (SR vs EI with the 1.0 / 2.8 thresholds), the Monte Carlo price-change histogram.
import { frame, linearScale, niceDomain, niceTicks, s } from "../../assessment/svg";
import type { CriticalityRow, SeriesRow } from "./api";

const HHI = "#1f5f8b";
const HHI_WGI = "#b0413e";

export function seriesChart(rows: SeriesRow[]): SVGSVGElement {
  const years = rows.map((r) => r.year);
  const x0 = Math.min(...years) - 0.5;
  const x1 = Math.max(...years) + 0.5;
  const f = frame({
    width: 460,
    height: 240,
    id: "series-chart",
    title: "Concentration over time: HHI and governance-weighted HHI (0–10,000)",
    x: (range) => ({ scale: linearScale([x0, x1], range), ticks: years, label: "Production year", format: (v) => String(v) }),
    y: (range) => ({ scale: linearScale([0, 10_000], range), ticks: niceTicks(0, 10_000, 5), label: "Index (0–10,000)", grid: true }),
  });
  for (const [key, colour] of [["hhi", HHI], ["hhi_wgi", HHI_WGI]] as const) {
    const pts = rows.map((r) => `${f.x(r.year)},${f.y(r[key])}`).join(" ");
    f.plot.append(s("polyline", { points: pts, fill: "none", stroke: colour, "stroke-width": 2, class: `line-${key}` }));
    for (const r of rows) {
      f.plot.append(s("circle", { cx: f.x(r.year), cy: f.y(r[key]), r: 3.5, fill: colour, class: `pt-${key}` },
        s("title", {}, `${r.year}: ${key === "hhi" ? "HHI" : "HHI-WGI"} ${Math.round(r[key])} (${r.source})`)));
    }
  }
  f.plot.append(
    s("text", { x: f.inner.left + 8, y: f.inner.top + 12, fill: HHI, class: "mark-label" }, "HHI"),
    s("text", { x: f.inner.left + 48, y: f.inner.top + 12, fill: HHI_WGI, class: "mark-label" }, "HHI × WGI"),
  );
  return f.svg;
}

export function matrixChart(rows: CriticalityRow[]): SVGSVGElement {
  const pts = rows.filter((r) => r.supply_risk !== null && r.importance !== null);
  const xMax = Math.max(6, ...pts.map((r) => r.importance as number)) * 1.05;
  const yMax = Math.max(2, ...pts.map((r) => r.supply_risk as number)) * 1.1;
  const xd = niceDomain(0, xMax, 5);
  const yd = niceDomain(0, yMax, 5);
  const f = frame({
    width: 460,
    height: 300,
    id: "matrix-chart",
    title: "Criticality matrix (EU method): supply risk vs economic importance",
    x: (range) => ({ scale: linearScale(xd, range), ticks: niceTicks(xd[0], xd[1], 5), label: "Economic importance (EI)" }),
    y: (range) => ({ scale: linearScale(yd, range), ticks: niceTicks(yd[0], yd[1], 5), label: "Supply risk (SR)", grid: true }),
  });
  const tx = f.x(2.8);
  const ty = f.y(1.0);
  f.plot.append(
    s("rect", { x: tx, y: f.inner.top, width: Math.max(0, f.inner.right - tx), height: Math.max(0, ty - f.inner.top), fill: "#f4dede" }),
    s("line", { x1: tx, x2: tx, y1: f.inner.top, y2: f.inner.bottom, stroke: "#b0413e", "stroke-dasharray": "4 3" }),
    s("line", { x1: f.inner.left, x2: f.inner.right, y1: ty, y2: ty, stroke: "#b0413e", "stroke-dasharray": "4 3" }),
  );
  for (const r of pts) {
    const cx = f.x(r.importance as number);
    const cy = f.y(r.supply_risk as number);
    f.plot.append(
      s("circle", { cx, cy, r: 5, fill: r.critical ? "#b0413e" : "#1f5f8b", class: "matrix-point", "data-commodity": r.commodity },
        s("title", {}, `${r.commodity}: SR ${r.supply_risk}, EI ${r.importance}${r.critical ? " (critical)" : ""}`)),
      s("text", { x: cx + 7, y: cy + 4, class: "mark-label" }, r.commodity),
    );
  }
  return f.svg;
}

export function histogramChart(counts: number[], edges: number[]): SVGSVGElement {
  const pct = edges.map((e) => 100 * e);
  const yMax = Math.max(1, ...counts);
  const xd: [number, number] = [pct[0], pct[pct.length - 1]];
  const f = frame({
    width: 460,
    height: 240,
    id: "mc-histogram",
    title: "Monte Carlo: distribution of the price change",
    x: (range) => ({ scale: linearScale(xd, range), ticks: niceTicks(xd[0], xd[1], 5), label: "Price change (%)" }),
    y: (range) => ({ scale: linearScale([0, yMax], range), ticks: niceTicks(0, yMax, 4), label: "Draws", grid: true }),
  });
  counts.forEach((n, i) => {
    const x = f.x(pct[i]);
    const w = Math.max(0.5, f.x(pct[i + 1]) - x - 1);
    f.plot.append(s("rect", { x, y: f.y(n), width: w, height: Math.max(0, f.y(0) - f.y(n)), fill: HHI, class: "bar" },
      s("title", {}, `${pct[i].toFixed(0)}–${pct[i + 1].toFixed(0)} %: ${n} draws`)));
  });
  return f.svg;
}
