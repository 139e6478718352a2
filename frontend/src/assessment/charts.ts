// The assessment charts, as SVG: deposit-number pmf (bars), grade–tonnage scatter (log tonnage vs grade,
// one panel per element) and the complementary cumulative distribution of simulated totals (log x).
import { h } from "../dom";
import { frame, linearScale, logDomain, logScale, logTicks, niceDomain, niceTicks, s, tickLabel } from "./svg";

const BAR = "#3a6f98";
const POINT = "#1f5f8b";
const CURVE = "#1f3447";
const MARK = "#b0413e";

/** Elements whose grades read better in g/t than in % (precious metals). */
const GRAMS_PER_TONNE = new Set(["Au", "Ag", "Pt", "Pd", "Rh", "Ru", "Ir", "Os", "PGE"]);

export function gradeUnit(element: string): { unit: string; factor: number } {
  return GRAMS_PER_TONNE.has(element) ? { unit: "g/t", factor: 1e4 } : { unit: "%", factor: 1 };
}

export interface PmfData {
  /** Smallest number of deposits with a probability listed (probabilities[0] belongs to it). */
  nMin: number;
  probabilities: number[];
  mean?: number;
}

/** Bar chart of the deposit-number pmf: one `rect.bar` per number of deposits in the support. */
export function pmfChart(data: PmfData, id = "pmf-chart"): SVGSVGElement {
  const n = data.probabilities.length;
  const pMax = Math.max(...data.probabilities, 1e-9);
  const yDomain = niceDomain(0, pMax, 4);
  const f = frame({
    width: 520,
    height: 260,
    id,
    title: "Probability mass function of the number of undiscovered deposits",
    x: (range) => {
      const scale = linearScale([data.nMin - 0.5, data.nMin + n - 0.5], range);
      const step = Math.max(1, niceTicks(0, n, 8)[1] ?? 1);
      const ticks = [];
      for (let k = Math.ceil(data.nMin / step) * step; k <= data.nMin + n - 1; k += step) ticks.push(k);
      return { scale, ticks, label: "Number of undiscovered deposits" };
    },
    y: (range) => ({ scale: linearScale([0, yDomain[1]], range), ticks: niceTicks(0, yDomain[1], 4), label: "Probability", grid: true }),
  });
  const width = Math.max(1, (f.x(1) - f.x(0)) * 0.8);
  data.probabilities.forEach((p, i) => {
    const k = data.nMin + i;
    const y = f.y(p);
    f.plot.append(
      s("rect", { class: "bar", x: f.x(k) - width / 2, y, width, height: Math.max(0, f.y(0) - y), fill: BAR, "data-n": k },
        s("title", {}, `N = ${k}: P = ${p.toPrecision(4)}`)),
    );
  });
  if (data.mean !== undefined && Number.isFinite(data.mean)) {
    const x = f.x(data.mean);
    f.plot.append(
      s("line", { x1: x, x2: x, y1: f.inner.top, y2: f.inner.bottom, stroke: MARK, "stroke-dasharray": "4 3", "stroke-width": 1.5 }),
      s("text", { x: x + 4, y: f.inner.top + 10, class: "mark-label", fill: MARK }, `mean ${data.mean.toFixed(2)}`),
    );
  }
  return f.svg;
}

export interface GtPoint {
  name: string;
  ore_t: number;
  grades_pct: Record<string, number>;
}

/**
 * Grade–tonnage scatter, one panel per element: log ore tonnage (t) against grade (log axis; % or g/t).
 * Deposits without a positive grade for an element are counted in the panel's caption, not drawn.
 */
export function gtScatter(points: GtPoint[], elements: string[]): HTMLElement {
  const tonnages = points.map((p) => p.ore_t).filter((t) => t > 0);
  const xDomain = logDomain(Math.min(...tonnages), Math.max(...tonnages));
  const panels = elements.map((el) => {
    const { unit, factor } = gradeUnit(el);
    const drawn = points.filter((p) => p.ore_t > 0 && p.grades_pct[el] > 0);
    const grades = drawn.map((p) => p.grades_pct[el] * factor);
    const yDomain = grades.length ? logDomain(Math.min(...grades), Math.max(...grades)) : ([0.1, 1] as [number, number]);
    const f = frame({
      width: 360,
      height: 270,
      id: `gt-scatter-${el}`,
      title: `Grade–tonnage scatter for ${el}`,
      x: (range) => ({ scale: logScale(xDomain, range), ticks: logTicks(xDomain, 6), label: "Ore tonnage (t, log scale)", grid: true }),
      y: (range) => ({ scale: logScale(yDomain, range), ticks: logTicks(yDomain, 6), label: `${el} grade (${unit}, log scale)`, grid: true }),
    });
    drawn.forEach((p, i) => {
      f.plot.append(
        s("circle", { class: "point", cx: f.x(p.ore_t), cy: f.y(grades[i]), r: 3.2, fill: POINT, "fill-opacity": 0.6, stroke: "#fff", "stroke-width": 0.6 },
          s("title", {}, `${p.name}: ${tickLabel(p.ore_t / 1e6)} Mt, ${grades[i].toPrecision(3)} ${unit} ${el}`)),
      );
    });
    const missing = points.length - drawn.length;
    return h(
      "figure",
      { class: "chart-panel", "data-element": el },
      f.svg,
      h("figcaption", {}, `${el}: ${drawn.length} deposits`, missing ? ` (${missing} without a positive grade not drawn)` : ""),
    );
  });
  return h("div", { class: "chart-row", id: "gt-scatter" }, panels);
}

export interface CcdfData {
  quantity: string;
  /** Amounts (t), ascending; p_exceed[i] = P(total ≥ x[i]). */
  x: number[];
  p_exceed: number[];
  p_zero: number;
  /** USGS exceedance amounts to mark, e.g. { P90, P50, P10 }. */
  marks: Record<string, number | null>;
  mean: number | null;
}

/**
 * Complementary cumulative distribution (probability that the total is at least x) as a step line on a
 * log x axis. Trials with a zero total cannot be placed on a log axis: the curve starts at 1 − P(0)
 * (the gap up to 1 is P(0), stated in the caption).
 */
export function ccdfChart(data: CcdfData): SVGSVGElement {
  const pts: [number, number][] = [];
  data.x.forEach((x, i) => {
    if (x > 0) pts.push([x, data.p_exceed[i]]);
  });
  const label = data.quantity === "ore" ? "Total ore (t, log scale)" : `Total contained ${data.quantity} (t, log scale)`;
  const xDomain = pts.length ? logDomain(pts[0][0], pts[pts.length - 1][0]) : ([1, 10] as [number, number]);
  const f = frame({
    width: 310,
    height: 250,
    margin: { top: 14, right: 14, bottom: 46, left: 52 },
    id: `ccdf-${data.quantity}`,
    title: `Probability that the total ${data.quantity} is at least x`,
    x: (range) => ({ scale: logScale(xDomain, range), ticks: logTicks(xDomain, 6), label, grid: true }),
    y: (range) => ({ scale: linearScale([0, 1], range), ticks: niceTicks(0, 1, 5), label: "P(total ≥ x)", grid: true }),
  });
  if (pts.length) {
    let d = `M${f.inner.left},${f.y(pts[0][1]).toFixed(1)}`;
    for (const [x, p] of pts) d += `H${f.x(x).toFixed(1)}V${f.y(p).toFixed(1)}`;
    d += `H${f.x(pts[pts.length - 1][0]) + 1}V${f.y(0)}`;
    f.plot.append(s("path", { d, fill: "none", stroke: CURVE, "stroke-width": 1.8, class: "ccdf-line", "data-points": pts.length }));
  }
  for (const [name, value] of Object.entries(data.marks)) {
    if (value === null || !(value > 0)) continue;
    const x = f.x(value);
    const p = Number(name.replace(/^P/, "")) / 100;
    f.plot.append(
      s("circle", { cx: x, cy: f.y(p), r: 3.5, fill: MARK, class: "ccdf-mark", "data-mark": name }, s("title", {}, `${name}: ${tickLabel(value)} t`)),
      s("text", { x: x + 5, y: f.y(p) - 5, class: "mark-label", fill: MARK }, name),
    );
  }
  if (data.mean !== null && data.mean > 0) {
    const x = f.x(data.mean);
    f.plot.append(
      s("line", { x1: x, x2: x, y1: f.inner.top, y2: f.inner.bottom, stroke: MARK, "stroke-dasharray": "4 3", "stroke-width": 1.2 }),
      s("text", { x: x + 4, y: f.inner.top + 10, class: "mark-label", fill: MARK }, "mean"),
    );
  }
  return f.svg;
}
