// Economics charts as hand-written SVG: annual and cumulative free cash flow, tornado, Monte Carlo histogram.
import { frame, linearScale, niceDomain, niceTicks, s } from "../../assessment/svg";
import type { MonteCarlo, Sensitivity } from "./api";

const BLUE = "#0072B2";
const ORANGE = "#E69F00";
const RED = "#D55E00";
const GREY = "#6E6E6E";
const M = 1e6;

const LABELS: Record<string, string> = {
  price: "Price",
  opex: "Operating cost",
  capex: "Capital cost",
  grade_recovery: "Grade × recovery",
  discount_rate: "Discount rate",
};

export function cashFlowChart(rows: Record<string, number | string>[], currency: string): SVGSVGElement {
  const years = rows.map((r) => Number(r.calendar_year ?? r.year));
  const fcf = rows.map((r) => Number(r.post_tax_fcf) / M);
  const cum = rows.map((r) => Number(r.cumulative_post_tax_fcf) / M);
  const yd = niceDomain(Math.min(0, ...fcf, ...cum), Math.max(0, ...fcf, ...cum), 5);
  const x0 = Math.min(...years) - 0.6;
  const x1 = Math.max(...years) + 0.6;
  const f = frame({
    width: 620,
    height: 260,
    id: "cashflow-chart",
    title: "Annual post-tax free cash flow (bars) and cumulative (line)",
    x: (range) => ({ scale: linearScale([x0, x1], range), ticks: niceTicks(x0, x1, 8).map(Math.round), label: "Year", format: (v) => String(v) }),
    y: (range) => ({ scale: linearScale(yd, range), ticks: niceTicks(yd[0], yd[1], 5), label: `million ${currency}`, grid: true }),
  });
  const w = Math.max(1, (f.x(1) - f.x(0)) * 0.75);
  rows.forEach((r, i) => {
    const y0 = f.y(0);
    const y = f.y(fcf[i]);
    const colour = r.phase === "construction" ? ORANGE : r.phase === "closure" ? GREY : BLUE;
    f.plot.append(s("rect", {
      x: f.x(years[i]) - w / 2, y: Math.min(y, y0), width: w, height: Math.abs(y0 - y), fill: colour,
      class: "fcf-bar", "data-year": years[i], "data-value": String(r.post_tax_fcf),
    }, s("title", {}, `${years[i]}: ${fcf[i].toFixed(1)} M ${currency}`)));
  });
  f.plot.append(s("polyline", {
    points: years.map((y, i) => `${f.x(y)},${f.y(cum[i])}`).join(" "), fill: "none", stroke: RED, "stroke-width": 2, class: "cumulative",
  }));
  f.plot.append(s("line", { x1: f.inner.left, x2: f.inner.right, y1: f.y(0), y2: f.y(0), stroke: "black" }));
  return f.svg;
}

export function tornadoChart(sens: Sensitivity, currency: string): SVGSVGElement {
  const rows = sens.tornado;
  const values = rows.flatMap((r) => [r.npv_low, r.npv_high, sens.base_npv]).map((v) => v / M);
  const xd = niceDomain(Math.min(...values), Math.max(...values), 5);
  const height = 60 + rows.length * 34;
  const f = frame({
    width: 620,
    height,
    margin: { top: 14, right: 18, bottom: 46, left: 130 },
    id: "tornado-chart",
    title: `Tornado: post-tax NPV with each input −/+${Math.round(100 * sens.range)} %`,
    x: (range) => ({ scale: linearScale(xd, range), ticks: niceTicks(xd[0], xd[1], 5), label: `post-tax NPV, million ${currency}`, grid: true }),
    y: (range) => ({ scale: linearScale([rows.length, 0], range), ticks: [], label: "" }),
  });
  const base = f.x(sens.base_npv / M);
  rows.forEach((r, i) => {
    const yc = f.y(i + 0.5);
    for (const [v, colour, side] of [[r.npv_low, RED, "low"], [r.npv_high, BLUE, "high"]] as const) {
      const x = f.x(v / M);
      f.plot.append(s("rect", {
        x: Math.min(x, base), y: yc - 11, width: Math.abs(x - base), height: 22, fill: colour,
        class: `tornado-bar ${side}`, "data-driver": r.driver, "data-value": String(v),
      }, s("title", {}, `${LABELS[r.driver] ?? r.driver} ${side}: ${(v / M).toFixed(1)} M`)));
    }
    f.plot.append(s("text", { x: f.inner.left - 8, y: yc + 4, "text-anchor": "end", class: "tick" }, LABELS[r.driver] ?? r.driver));
  });
  f.plot.append(s("line", { x1: base, x2: base, y1: f.inner.top, y2: f.inner.bottom, stroke: "black" }));
  return f.svg;
}

export function mcHistogram(mc: MonteCarlo, currency: string): SVGSVGElement {
  const edges = mc.histogram.edges.map((v) => v / M);
  const counts = mc.histogram.counts;
  const xd = niceDomain(Math.min(edges[0], 0), edges[edges.length - 1], 5);
  const yd = niceDomain(0, Math.max(...counts), 4);
  const f = frame({
    width: 620,
    height: 260,
    id: "mc-histogram",
    title: "Monte Carlo distribution of the post-tax NPV",
    x: (range) => ({ scale: linearScale(xd, range), ticks: niceTicks(xd[0], xd[1], 6), label: `post-tax NPV, million ${currency}` }),
    y: (range) => ({ scale: linearScale(yd, range), ticks: niceTicks(yd[0], yd[1], 4), label: "draws", grid: true }),
  });
  counts.forEach((c, i) => {
    f.plot.append(s("rect", {
      x: f.x(edges[i]), y: f.y(c), width: Math.max(0.5, f.x(edges[i + 1]) - f.x(edges[i]) - 0.5), height: f.y(0) - f.y(c),
      fill: edges[i + 1] <= 0 ? RED : BLUE, class: "mc-bin", "data-count": String(c),
    }));
  });
  for (const key of ["p90", "p50", "p10"]) {
    const x = f.x(mc.summary[key] / M);
    f.plot.append(
      s("line", { x1: x, x2: x, y1: f.inner.top, y2: f.inner.bottom, stroke: ORANGE, "stroke-dasharray": key === "p50" ? "" : "4 3", class: `mark-${key}` }),
      s("text", { x: x + 3, y: f.inner.top + 12, class: "mark-label", fill: ORANGE }, key.toUpperCase()),
    );
  }
  return f.svg;
}
