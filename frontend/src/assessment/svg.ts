// Hand-written SVG charts: element builder, linear and log scales, tick choice and a framed plot
// (axes with ticks, tick labels and axis titles). No chart library; nothing is fetched.

const SVG_NS = "http://www.w3.org/2000/svg";

type SvgAttrs = Record<string, string | number | null | undefined>;

/** Create an SVG element with attributes (null/undefined are left out) and children. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: SvgAttrs = {},
  ...children: (SVGElement | string | null | undefined | false)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    el.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

export interface Scale {
  (value: number): number;
  readonly domain: [number, number];
  readonly range: [number, number];
  readonly log: boolean;
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return Object.assign((v: number) => r0 + (v - d0) * k, { domain, range, log: false });
}

/** Base-10 log scale; values ≤ 0 map to the lower end of the range. */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const l0 = Math.log10(domain[0]);
  const l1 = Math.log10(domain[1]);
  const [r0, r1] = range;
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  return Object.assign((v: number) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : r0), { domain, range, log: true });
}

/** About `count` round ticks (1, 2, 5 × 10ⁿ steps) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Extend [min, max] outwards to round values of the tick step. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!(max > min)) return [min - 1, max + 1];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  return [Math.floor(min / step) * step, Math.ceil(max / step) * step];
}

/** Whole decades enclosing [min, max] (both > 0). */
export function logDomain(min: number, max: number): [number, number] {
  const lo = 10 ** Math.floor(Math.log10(min));
  let hi = 10 ** Math.ceil(Math.log10(max));
  if (hi <= lo) hi = lo * 10;
  return [lo, hi];
}

/** Decade ticks of a log domain (thinned to at most `maxTicks`). */
export function logTicks(domain: [number, number], maxTicks = 8): number[] {
  const e0 = Math.round(Math.log10(domain[0]));
  const e1 = Math.round(Math.log10(domain[1]));
  const every = Math.max(1, Math.ceil((e1 - e0 + 1) / maxTicks));
  const ticks: number[] = [];
  for (let e = e0; e <= e1; e += every) ticks.push(10 ** e);
  return ticks;
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
};

/** 10ⁿ with a Unicode superscript exponent (1 and 10 written plainly). */
export function powerOfTen(value: number): string {
  const e = Math.round(Math.log10(value));
  if (e === 0) return "1";
  if (e === 1) return "10";
  return `10${String(e).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
}

/** Compact tick label for linear axes. */
export function tickLabel(value: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(0).replace("e+", "e");
  return Number(value.toPrecision(6)).toLocaleString("en-GB");
}

export interface AxisSpec {
  scale: Scale;
  ticks: number[];
  label: string;
  format?: (value: number) => string;
  /** Draw light grid lines at the ticks. */
  grid?: boolean;
}

export interface FrameSpec {
  width: number;
  height: number;
  margin?: { top: number; right: number; bottom: number; left: number };
  x: (range: [number, number]) => AxisSpec;
  y: (range: [number, number]) => AxisSpec;
  /** Accessible description of the chart. */
  title: string;
  id?: string;
}

export interface Frame {
  svg: SVGSVGElement;
  /** Group for the data marks, drawn above the grid and below the axes. */
  plot: SVGGElement;
  x: Scale;
  y: Scale;
  inner: { left: number; right: number; top: number; bottom: number };
}

/** An SVG with axes, ticks, tick labels and axis titles; data marks go into `frame.plot`. */
export function frame(spec: FrameSpec): Frame {
  const m = spec.margin ?? { top: 14, right: 18, bottom: 46, left: 64 };
  const inner = { left: m.left, right: spec.width - m.right, top: m.top, bottom: spec.height - m.bottom };
  const xa = spec.x([inner.left, inner.right]);
  const ya = spec.y([inner.bottom, inner.top]);
  const fx = xa.format ?? (xa.scale.log ? powerOfTen : tickLabel);
  const fy = ya.format ?? (ya.scale.log ? powerOfTen : tickLabel);
  const svg = s("svg", {
    viewBox: `0 0 ${spec.width} ${spec.height}`,
    width: spec.width,
    height: spec.height,
    class: "chart",
    role: "img",
    "aria-label": spec.title,
    id: spec.id,
  });
  svg.append(s("title", {}, spec.title));
  const grid = s("g", { class: "grid" });
  const axes = s("g", { class: "axes" });
  for (const t of xa.ticks) {
    const x = xa.scale(t);
    if (xa.grid) grid.append(s("line", { x1: x, x2: x, y1: inner.top, y2: inner.bottom }));
    axes.append(
      s("line", { x1: x, x2: x, y1: inner.bottom, y2: inner.bottom + 5 }),
      s("text", { x, y: inner.bottom + 18, "text-anchor": "middle", class: "tick" }, fx(t)),
    );
  }
  for (const t of ya.ticks) {
    const y = ya.scale(t);
    if (ya.grid) grid.append(s("line", { x1: inner.left, x2: inner.right, y1: y, y2: y }));
    axes.append(
      s("line", { x1: inner.left - 5, x2: inner.left, y1: y, y2: y }),
      s("text", { x: inner.left - 8, y: y + 4, "text-anchor": "end", class: "tick" }, fy(t)),
    );
  }
  axes.append(
    s("line", { x1: inner.left, x2: inner.right, y1: inner.bottom, y2: inner.bottom, class: "axis-line" }),
    s("line", { x1: inner.left, x2: inner.left, y1: inner.top, y2: inner.bottom, class: "axis-line" }),
    s("text", { x: (inner.left + inner.right) / 2, y: spec.height - 8, "text-anchor": "middle", class: "axis-label" }, xa.label),
    s(
      "text",
      {
        x: -(inner.top + inner.bottom) / 2,
        y: 16,
        transform: "rotate(-90)",
        "text-anchor": "middle",
        class: "axis-label",
      },
      ya.label,
    ),
  );
  const plot = s("g", { class: "marks" });
  svg.append(grid, plot, axes);
  return { svg, plot, x: xa.scale, y: ya.scale, inner };
}
