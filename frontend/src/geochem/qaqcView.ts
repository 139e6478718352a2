// QA/QC of a geochemistry dataset: per-batch status, the CRM bias table (observed mean vs certified value) and,
// when the service gives the points, a control chart (value by analysis order with centre, ±2SD, ±3SD lines).
import { frame, linearScale, niceDomain, niceTicks, s } from "../assessment/svg";
import { h, text } from "../dom";
import { asNumber, formatMetric } from "./metricsTable";

export type Rec = Record<string, unknown>;

export interface QaqcData {
  batches: Rec[];
  crm: Rec[];
  crm_points: Rec[];
  duplicates: Rec[];
  blanks: Rec[];
  metadata: Rec;
}

const STATUS_CLASS: Record<string, string> = { pass: "done", warning: "running", fail: "failed" };

function pill(status: unknown): HTMLElement {
  const st = String(status ?? "");
  return h("span", { class: `status-pill ${STATUS_CLASS[st] ?? ""}` }, st || "—");
}

function num(v: unknown, digits = 4): string {
  return formatMetric(asNumber(v), digits);
}

function numCell(row: Rec, key: string, digits = 4): HTMLElement {
  const v = asNumber(row[key]);
  return h("td", { class: "num", "data-key": key, "data-value": v === null ? "" : String(v) }, formatMetric(v, digits));
}

function batchesTable(rows: Rec[]): HTMLElement {
  return h(
    "table",
    { class: "stats compact", id: "qaqc-batches" },
    h("caption", {}, "Batches"),
    h("thead", {}, h("tr", {}, ["Batch", "Rows", "CRM checks", "CRM fail", "Dup. pairs", "Dup. within HARD (%)", "Blanks > k·DL", "Status"].map((c) => h("th", {}, c)))),
    h(
      "tbody",
      {},
      rows.map((b) =>
        h(
          "tr",
          { "data-batch": String(b.batch ?? "") },
          h("th", { scope: "row" }, text(b.batch)),
          numCell(b, "n_rows"),
          numCell(b, "crm_checks"),
          numCell(b, "crm_fail"),
          numCell(b, "duplicate_checks"),
          numCell(b, "duplicate_pct_within_hard_limit", 3),
          numCell(b, "blanks_exceeding"),
          h("td", {}, pill(b.status)),
        ),
      ),
    ),
  );
}

/** CRM bias table: one row per material × element (× batch). */
export function crmTable(rows: Rec[]): HTMLElement {
  const withCert = rows.filter((r) => asNumber(r.certified) !== null);
  const shown = withCert.length ? withCert : rows;
  return h(
    "div",
    { class: "table-wrap qaqc-table-wrap" },
    h(
      "table",
      { class: "stats", id: "crm-table" },
      h("caption", {}, withCert.length
        ? `Certified reference materials: ${withCert.length} material × element checks with certified values${rows.length > withCert.length ? ` (${rows.length - withCert.length} without a certified value not listed)` : ""}`
        : "Reference materials (no certified values: limits from the laboratory's own mean and SD)"),
      h(
        "thead",
        {},
        h("tr", {}, ["Material", "Element", "Unit", "Batch", "n", "Mean", "Certified", "Bias (%)", "RSD (%)", "Beyond 2SD", "Rules", "Status"].map((c, i) =>
          h("th", { class: i >= 4 && i <= 9 ? "num" : null }, c))),
      ),
      h(
        "tbody",
        {},
        shown.map((r) =>
          h(
            "tr",
            { "data-material": String(r.material ?? ""), "data-element": String(r.element ?? ""), class: `bias-${String(r.bias_class ?? "")}` },
            h("th", { scope: "row" }, text(r.material)),
            h("td", {}, text(r.element)),
            h("td", { class: "muted" }, text(r.unit)),
            h("td", {}, text(r.batch)),
            numCell(r, "n"),
            numCell(r, "mean"),
            numCell(r, "certified"),
            h("td", { class: `num bias ${String(r.bias_class ?? "")}`, "data-key": "bias_pct", "data-value": String(asNumber(r.bias_pct) ?? ""), title: text(r.bias_class) }, num(r.bias_pct, 3)),
            numCell(r, "rsd_pct", 3),
            numCell(r, "n_beyond_2sd"),
            h("td", {}, text(r.rules_violated || null)),
            h("td", {}, pill(r.status)),
          ),
        ),
      ),
    ),
  );
}

export interface ChartKey {
  material: string;
  element: string;
}

/** Control chart of one material × element: values in analysis order, centre line, ±2SD (warning) and ±3SD. */
export function controlChart(points: Rec[], key: ChartKey): SVGSVGElement {
  const pts = points
    .filter((p) => String(p.material) === key.material && String(p.element) === key.element)
    .map((p, i) => ({ i: i + 1, row: asNumber(p.row), value: asNumber(p.value), batch: String(p.batch ?? ""), status: String(p.status ?? ""), censored: p.censored === true }));
  const first = points.find((p) => String(p.material) === key.material && String(p.element) === key.element) ?? {};
  const center = asNumber(first.center);
  const sd = asNumber(first.sd) ?? asNumber(first.control_sd);
  const unit = String(first.unit ?? "ppm");
  const values = pts.map((p) => p.value).filter((v): v is number => v !== null);
  const lines = center !== null && sd !== null ? [-3, -2, 0, 2, 3].map((k) => center + k * sd) : [];
  const lo = Math.min(...values, ...lines);
  const hi = Math.max(...values, ...lines);
  const yDomain = Number.isFinite(lo) && Number.isFinite(hi) ? niceDomain(lo, hi, 5) : ([0, 1] as [number, number]);
  const n = Math.max(pts.length, 2);
  const f = frame({
    width: 680,
    height: 300,
    margin: { top: 14, right: 56, bottom: 46, left: 64 },
    id: "control-chart",
    title: `Control chart: ${key.material} ${key.element}`,
    x: (range) => ({ scale: linearScale([0.5, n + 0.5], range), ticks: niceTicks(1, n, 8).filter((t) => Number.isInteger(t) && t >= 1), label: "Analysis order (n-th result for this material)" }),
    y: (range) => ({ scale: linearScale(yDomain, range), ticks: niceTicks(yDomain[0], yDomain[1], 5), label: `${key.element} (${unit})`, grid: true }),
  });
  if (center !== null && sd !== null) {
    const spec: [number, string, string][] = [[0, "centre", "#1f3447"], [2, "+2SD", "#c98a00"], [-2, "−2SD", "#c98a00"], [3, "+3SD", "#b0413e"], [-3, "−3SD", "#b0413e"]];
    for (const [k, label, colour] of spec) {
      const y = f.y(center + k * sd);
      f.plot.append(
        s("line", { class: `limit limit-${k}`, x1: f.inner.left, x2: f.inner.right, y1: y, y2: y, stroke: colour, "stroke-width": k === 0 ? 1.4 : 1, "stroke-dasharray": k === 0 ? null : Math.abs(k) === 2 ? "5 3" : "2 2" }),
        s("text", { x: f.inner.right + 4, y: y + 4, "text-anchor": "start", class: "mark-label", fill: colour }, label),
      );
    }
  }
  let d = "";
  for (const p of pts) if (p.value !== null) d += `${d ? "L" : "M"}${f.x(p.i).toFixed(1)},${f.y(p.value).toFixed(1)}`;
  f.plot.append(s("path", { d, fill: "none", stroke: "#8aa1b5", "stroke-width": 1 }));
  for (const p of pts) {
    if (p.value === null) continue;
    const z = center !== null && sd ? Math.abs((p.value - center) / sd) : 0;
    const colour = z > 3 ? "#b0413e" : z > 2 ? "#c98a00" : "#1f5f8b";
    f.plot.append(
      s("circle", { class: "control-point", cx: f.x(p.i), cy: f.y(p.value), r: 3.4, fill: p.censored ? "#fff" : colour, stroke: colour, "stroke-width": 1.2 },
        s("title", {}, `#${p.i}${p.row !== null ? ` (row ${p.row})` : ""}, batch ${p.batch}: ${num(p.value)} ${unit}${p.censored ? " (censored)" : ""}`)),
    );
  }
  f.svg.dataset.points = String(values.length);
  return f.svg;
}

export function qaqcView(data: QaqcData): HTMLElement {
  const section = h("div", { id: "qaqc-view" });
  if (data.batches.length) section.append(h("div", { class: "table-wrap" }, batchesTable(data.batches)));
  if (data.crm.length) section.append(crmTable(data.crm));
  else section.append(h("p", { class: "muted small", id: "qaqc-no-crm" }, "No certified reference materials or repeated standards were recognised in this dataset."));

  if (data.crm_points.length) {
    const keys: ChartKey[] = [];
    const seen = new Set<string>();
    // charts first for materials with certified values
    const certified = new Set(data.crm.filter((r) => asNumber(r.certified) !== null).map((r) => `${String(r.material)}\u0000${String(r.element)}`));
    for (const p of data.crm_points) {
      const k = `${String(p.material)}\u0000${String(p.element)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      keys.push({ material: String(p.material), element: String(p.element) });
    }
    keys.sort((a, b) => Number(certified.has(`${b.material}\u0000${b.element}`)) - Number(certified.has(`${a.material}\u0000${a.element}`)));
    const select = h(
      "select",
      { id: "control-chart-select" },
      keys.map((k, i) => h("option", { value: String(i) }, `${k.material} — ${k.element}${certified.has(`${k.material}\u0000${k.element}`) ? " (certified)" : ""}`)),
    );
    const holder = h("div", { class: "control-chart-holder" });
    const drawChart = () => holder.replaceChildren(controlChart(data.crm_points, keys[Number(select.value)] ?? keys[0]));
    select.addEventListener("change", drawChart);
    drawChart();
    section.append(
      h("h3", {}, "Control chart"),
      h("label", { class: "field inline-field" }, h("span", {}, "Material and element"), select),
      holder,
      h("p", { class: "note" }, text(data.metadata.control_limits ?? "Centre line: certified value (or laboratory mean); dashed: ±2SD warning; dotted: ±3SD action limits.")),
    );
  }
  const dups = data.duplicates.filter((r) => (asNumber(r.n_used) ?? 0) > 0);
  if (dups.length) {
    const cols: [string, string, string][] = [
      ["n_pairs", "Pairs", "Duplicate pairs found"],
      ["n_used", "Used", "Pairs with both results above the detection-limit multiple"],
      ["median_hard_pct", "Median HARD (%)", "Median half absolute relative difference"],
      ["pct_hard_within_limit", "Within HARD limit (%)", "Share of pairs within the HARD limit"],
      ["cv_avg_pct", "CV (%)", "Average coefficient of variation of the pairs"],
      ["precision_pct_at_median", "Precision at median (%)", "Thompson–Howarth precision at the median concentration"],
    ];
    section.append(
      h("h3", {}, "Duplicates"),
      h(
        "div",
        { class: "table-wrap qaqc-table-wrap" },
        h(
          "table",
          { class: "stats", id: "duplicates-table" },
          h("caption", {}, `${dups.length} duplicate type × element checks with usable pairs${data.duplicates.length > dups.length ? ` (${data.duplicates.length - dups.length} with every pair censored not listed)` : ""}`),
          h("thead", {}, h("tr", {}, h("th", {}, "Kind"), h("th", {}, "Element"), cols.map(([, label, title]) => h("th", { class: "num", title }, label)))),
          h(
            "tbody",
            {},
            dups.map((r) =>
              h("tr", { "data-kind": String(r.kind ?? ""), "data-element": String(r.element ?? "") }, h("td", {}, text(r.kind).replace(/_/g, " ")), h("th", { scope: "row" }, text(r.element)), cols.map(([k]) => numCell(r, k, 3))),
            ),
          ),
        ),
      ),
    );
  }
  if (data.blanks.length) {
    const keys = Object.keys(data.blanks[0]);
    section.append(
      h("h3", {}, "Blanks"),
      h(
        "div",
        { class: "table-wrap qaqc-table-wrap" },
        h(
          "table",
          { class: "stats", id: "blanks-table" },
          h("thead", {}, h("tr", {}, keys.map((k) => h("th", {}, k.replace(/_/g, " "))))),
          h("tbody", {}, data.blanks.map((r) => h("tr", {}, keys.map((k) => (asNumber(r[k]) !== null ? numCell(r, k) : h("td", {}, text(r[k]))))))),
        ),
      ),
    );
  }
  return section;
}
