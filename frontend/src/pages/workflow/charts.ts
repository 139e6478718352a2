// The final chart of the rock-to-supply page, "Supply impact with uncertainty", as hand-written SVG (the shared
// frame/scale helpers of the assessment charts): for one supply-chain stage, HHI and governance-weighted HHI over
// the years after the project — today's level as a dashed line, the median over the draws as a line and the
// 10th–90th percentile range as a shaded band — and the partner's import reliance drawn the same way.
import { frame, linearScale, niceDomain, niceTicks, s, type Frame } from "../../assessment/svg";
import type { Band, StageImpact } from "./api";

export const HHI_COLOUR = "#1f5f8b";
export const WGI_COLOUR = "#b0413e";
export const RELIANCE_COLOUR = "#2f7d4a";

interface Series {
  key: string;
  label: string;
  colour: string;
  before: number;
  band: Band;
}

function yearTicks(years: number[]): number[] {
  const first = years[0];
  const last = years[years.length - 1];
  const ticks = niceTicks(first, last, 6).filter((t) => Number.isInteger(t) && t >= first && t <= last);
  return ticks.length ? ticks : [first];
}

/** Path of the q10–q90 band: along q90, back along q10, closed. */
export function bandPath(f: Frame, years: number[], band: Band): string {
  const top = years.map((y, i) => `${f.x(y).toFixed(2)},${f.y(band.q90[i]).toFixed(2)}`);
  const bottom = years.map((y, i) => `${f.x(y).toFixed(2)},${f.y(band.q10[i]).toFixed(2)}`).reverse();
  return `M${top.join("L")}L${bottom.join("L")}Z`;
}

export function linePath(f: Frame, years: number[], values: number[]): string {
  return `M${years.map((y, i) => `${f.x(y).toFixed(2)},${f.y(values[i]).toFixed(2)}`).join("L")}`;
}

function drawSeries(f: Frame, years: number[], series: Series, format: (v: number) => string): void {
  const x0 = f.x(years[0]);
  const x1 = f.x(years[years.length - 1]);
  const yb = f.y(series.before);
  const last = years.length - 1;
  f.plot.append(
    s("path", { d: bandPath(f, years, series.band), fill: series.colour, "fill-opacity": 0.16, stroke: "none", class: `band band-${series.key}`, "data-series": series.key },
      s("title", {}, `${series.label}: 10th–90th percentile over the draws (${years[last]}: ${format(series.band.q10[last])} – ${format(series.band.q90[last])})`)),
    s("line", { x1: x0, x2: x1, y1: yb, y2: yb, stroke: series.colour, "stroke-width": 1.5, "stroke-dasharray": "6 4", class: `before before-${series.key}`, "data-series": series.key, "data-value": series.before },
      s("title", {}, `${series.label} before the project: ${format(series.before)}`)),
    s("path", { d: linePath(f, years, series.band.q50), fill: "none", stroke: series.colour, "stroke-width": 2.2, class: `median median-${series.key}`, "data-series": series.key },
      s("title", {}, `${series.label}: median over the draws (${years[last]}: ${format(series.band.q50[last])})`)),
  );
}

function domainOf(series: Series[], floor?: number, ceiling?: number): [number, number] {
  const values = series.flatMap((sr) => [sr.before, ...sr.band.q10, ...sr.band.q90, ...sr.band.q50]).filter(Number.isFinite);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.08, Math.abs(hi) * 0.02, 1e-6);
  lo -= pad;
  hi += pad;
  if (floor !== undefined) lo = Math.max(floor, lo);
  if (ceiling !== undefined) hi = Math.min(ceiling, hi);
  return niceDomain(lo, hi, 5);
}

/** HHI and HHI × WGI (0–10,000) of a stage over the years: before (dashed), median (line), q10–q90 (band). */
export function impactChart(years: number[], stage: string, impact: StageImpact): SVGSVGElement {
  const series: Series[] = [
    { key: "hhi", label: "HHI", colour: HHI_COLOUR, before: impact.before.hhi, band: impact.after.hhi },
    { key: "hhi_wgi", label: "HHI × WGI", colour: WGI_COLOUR, before: impact.before.hhi_wgi, band: impact.after.hhi_wgi },
  ];
  const yd = domainOf(series, 0, 10_000);
  const f = frame({
    width: 640,
    height: 300,
    id: "wf-impact-chart",
    title: `Supply impact with uncertainty: ${stage} stage concentration (HHI and governance-weighted HHI) over the years`,
    margin: { top: 16, right: 96, bottom: 46, left: 64 },
    x: (range) => ({ scale: linearScale([years[0], years[years.length - 1]], range), ticks: yearTicks(years), label: "Year", format: (v) => String(v) }),
    y: (range) => ({ scale: linearScale(yd, range), ticks: niceTicks(yd[0], yd[1], 5), label: "Index (0–10,000)", grid: true }),
  });
  const fmt = (v: number) => Math.round(v).toLocaleString("en-GB");
  for (const sr of series) drawSeries(f, years, sr, fmt);
  const last = years[years.length - 1];
  for (const sr of series) {
    const y = f.y(sr.band.q50[sr.band.q50.length - 1]);
    f.plot.append(s("text", { x: f.x(last) + 6, y: y + 4, fill: sr.colour, class: "mark-label" }, sr.label));
  }
  f.svg.dataset.stage = stage;
  return f.svg;
}

/** The partner's import reliance (0–100 %) at the stage: before (dashed), median (line), q10–q90 (band). */
export function relianceChart(years: number[], stage: string, impact: StageImpact): SVGSVGElement | null {
  const p = impact.partner;
  if (!p) return null;
  const pct = (b: Band): Band => ({ mean: b.mean.map((v) => 100 * v), q10: b.q10.map((v) => 100 * v), q50: b.q50.map((v) => 100 * v), q90: b.q90.map((v) => 100 * v) });
  const series: Series[] = [{ key: "reliance", label: `${p.country} import reliance`, colour: RELIANCE_COLOUR, before: 100 * p.import_reliance_before, band: pct(p.import_reliance_after) }];
  const yd: [number, number] = [0, 100];
  const f = frame({
    width: 640,
    height: 220,
    id: "wf-reliance-chart",
    title: `${p.country} import reliance at the ${stage} stage over the years (share of its demand of ${Math.round(p.demand_t).toLocaleString("en-GB")} t)`,
    margin: { top: 16, right: 96, bottom: 46, left: 64 },
    x: (range) => ({ scale: linearScale([years[0], years[years.length - 1]], range), ticks: yearTicks(years), label: "Year", format: (v) => String(v) }),
    y: (range) => ({ scale: linearScale(yd, range), ticks: [0, 25, 50, 75, 100], label: "Import reliance (%)", grid: true }),
  });
  drawSeries(f, years, series[0], (v) => `${v.toFixed(1)} %`);
  const last = years.length - 1;
  f.plot.append(s("text", { x: f.x(years[last]) + 6, y: f.y(series[0].band.q50[last]) + 4, fill: RELIANCE_COLOUR, class: "mark-label" }, "reliance"));
  f.svg.dataset.stage = stage;
  return f.svg;
}
