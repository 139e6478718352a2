// Normalised REE diagram as SVG: log y axis, the lanthanides in order La … Lu with an empty slot for Pm
// (no stable isotope, never analysed), one line per sample. Missing or non-positive values break the line.
import { frame, logDomain, logScale, logTicks, s } from "../assessment/svg";
import { h } from "../dom";

/** The 14 analysable lanthanides in diagram order (Pm left out; its slot stays empty). */
export const REE_ORDER = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu"] as const;
/** x slots including the Pm gap. */
const SLOTS = ["La", "Ce", "Pr", "Pm", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu"];

/** Line colours (Okabe–Ito plus darker companions; readable on white, distinguishable for most viewers). */
export const SERIES_COLOURS = [
  "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#1f3447", "#a6761d", "#7570b3", "#b22222",
  "#2e8b57", "#8b4513", "#4b0082", "#c71585", "#006d77", "#6b8e23", "#ff7f50", "#4682b4", "#9932cc", "#708090",
];

export interface ReeSeries {
  sampleId: string;
  /** Normalised value (sample / reference) per element symbol; null where missing. */
  values: Record<string, number | null | undefined>;
}

export interface ReeDiagramOptions {
  /** y-axis title, e.g. "Sample / CI chondrite (Palme & O'Neill 2014)". */
  yLabel: string;
  id?: string;
}

/** One `path.ree-line` per sample (data-points = number of values drawn), circles at the values. */
export function reeDiagram(series: ReeSeries[], options: ReeDiagramOptions): HTMLElement {
  const all: number[] = [];
  for (const r of series) for (const el of REE_ORDER) {
    const v = r.values[el];
    if (typeof v === "number" && v > 0 && Number.isFinite(v)) all.push(v);
  }
  const yDomain = all.length ? logDomain(Math.min(...all), Math.max(...all)) : ([0.1, 1000] as [number, number]);
  const f = frame({
    width: 640,
    height: 360,
    margin: { top: 14, right: 18, bottom: 46, left: 64 },
    id: options.id ?? "ree-diagram",
    title: "Normalised rare-earth element diagram",
    x: (range) => {
      const step = (range[1] - range[0]) / SLOTS.length;
      const scale = Object.assign((i: number) => range[0] + step * (i + 0.5), { domain: [0, SLOTS.length - 1] as [number, number], range, log: false });
      return { scale, ticks: SLOTS.map((_, i) => i), label: "Rare-earth element (Pm not analysed)", format: (i: number) => SLOTS[i] ?? "" };
    },
    y: (range) => ({ scale: logScale(yDomain, range), ticks: logTicks(yDomain, 8), label: options.yLabel, grid: true }),
  });
  // grey out the Pm tick label: the gap is deliberate
  f.svg.querySelectorAll("g.axes text.tick").forEach((t) => {
    if (t.textContent === "Pm") t.setAttribute("class", "tick pm-gap");
  });
  series.forEach((r, k) => {
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length];
    let d = "";
    let pen = false;
    let n = 0;
    const g = s("g", { class: "ree-series", "data-sample": r.sampleId });
    for (const el of REE_ORDER) {
      const v = r.values[el];
      const slot = SLOTS.indexOf(el);
      if (!(typeof v === "number" && v > 0 && Number.isFinite(v))) {
        pen = false;
        continue;
      }
      const x = f.x(slot).toFixed(1);
      const y = f.y(v).toFixed(1);
      d += `${pen ? "L" : "M"}${x},${y}`;
      pen = true;
      n++;
      g.append(
        s("circle", { class: "ree-point", cx: x, cy: y, r: 2.6, fill: colour, "data-element": el },
          s("title", {}, `${r.sampleId} ${el}: ${v.toPrecision(3)}`)),
      );
    }
    g.prepend(s("path", { class: "ree-line", d, fill: "none", stroke: colour, "stroke-width": 1.6, "stroke-linejoin": "round", "data-points": n, "data-sample": r.sampleId },
      s("title", {}, r.sampleId)));
    f.plot.append(g);
  });
  const legend = h(
    "ul",
    { class: "series-legend", id: `${options.id ?? "ree-diagram"}-legend` },
    series.map((r, k) => h("li", {}, h("span", { class: "swatch", style: `background:${SERIES_COLOURS[k % SERIES_COLOURS.length]}` }), r.sampleId)),
  );
  return h("div", { class: "ree-figure" }, f.svg, legend);
}
