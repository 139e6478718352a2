// The per-sample REE metrics table: sortable columns (click a header), a check box per sample that puts it on
// the REE diagram, and the exact API value of every cell in `data-value`.
import { h } from "../dom";

export interface MetricColumn {
  key: string;
  label: string;
  title: string;
  /** Significant digits shown. */
  digits?: number;
}

/** The columns shown, in order (the CSV download has all of them). */
export const METRIC_COLUMNS: MetricColumn[] = [
  { key: "treo_ppm", label: "TREO (ppm)", title: "Total rare-earth oxides incl. Y2O3, industry oxide set (CeO2, Pr6O11, Tb4O7), ppm" },
  { key: "ndpr_pct", label: "NdPr (%)", title: "Nd2O3 + Pr6O11 as % of TREO" },
  { key: "eu_anomaly", label: "Eu/Eu*", title: "Eu anomaly on the chosen normaliser (default geometric: Eu_N / √(Sm_N·Gd_N))" },
  { key: "ce_anomaly", label: "Ce/Ce*", title: "Ce anomaly on the chosen normaliser (default geometric: Ce_N / √(La_N·Pr_N))" },
  { key: "la_yb_n", label: "(La/Yb)N", title: "Normalised La/Yb" },
  { key: "lambda0", label: "λ0", title: "O'Neill (2016) λ0 (ln-REE fit intercept; always on O'Neill's chondrite)" },
  { key: "lambda1", label: "λ1", title: "O'Neill (2016) λ1 (slope)" },
  { key: "lambda2", label: "λ2", title: "O'Neill (2016) λ2 (curvature)" },
  { key: "lambda3", label: "λ3", title: "O'Neill (2016) λ3" },
];

export type MetricRow = Record<string, unknown>;

export function asNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** Significant-digit formatting with thousands separators; "—" for missing. */
export function formatMetric(value: number | null, digits = 4): string {
  if (value === null) return "—";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e9) return Number(value.toPrecision(digits)).toLocaleString("en-GB", { maximumFractionDigits: 8 });
  return value.toPrecision(digits);
}

export interface MetricsTableOptions {
  /** Sample rows (the API's 0-based `row`) initially ticked for the REE diagram. */
  selected: Set<number>;
  maxSelected: number;
  onSelection(selected: number[]): void;
}

const LABEL = "label";

function flagFor(row: MetricRow, key: string): string {
  const base = key.replace(/_(ppm|pct)$/, "");
  const flag = row[`${key}_flag`] ?? row[`${base}_flag`] ?? (key.startsWith("lambda") ? row.lambda_flag : undefined);
  return typeof flag === "string" ? flag : "";
}

export function metricsTable(rows: MetricRow[], options: MetricsTableOptions): HTMLElement {
  const columns = METRIC_COLUMNS.filter((c) => rows.some((r) => c.key in r));
  let sortKey: string | null = null;
  let ascending = true;
  const selected = new Set(options.selected);
  const tbody = h("tbody", {});
  const status = h("div", { class: "muted small", id: "ree-selection-status", "aria-live": "polite" });
  const rowOf = (r: MetricRow) => Number(r.row);
  const labelOf = (r: MetricRow) => (r[LABEL] === null || r[LABEL] === undefined || r[LABEL] === "" ? `row ${rowOf(r) + 1}` : String(r[LABEL]));

  const headers = [
    h("th", { title: "Draw on the REE diagram" }, "Plot"),
    h("th", { "data-key": LABEL, class: "sortable", tabindex: 0, "aria-sort": "none" }, "Sample"),
    ...columns.map((c) => h("th", { "data-key": c.key, class: "num sortable", title: c.title, tabindex: 0, "aria-sort": "none" }, c.label)),
  ];

  function updateStatus(): void {
    status.textContent = `${selected.size} of ${rows.length} sample${rows.length === 1 ? "" : "s"} on the REE diagram (at most ${options.maxSelected}).`;
  }

  function draw(): void {
    const order = rows.map((_, i) => i);
    if (sortKey !== null) {
      const key = sortKey;
      const isId = key === LABEL;
      order.sort((a, b) => {
        if (isId) return (ascending ? 1 : -1) * labelOf(rows[a]).localeCompare(labelOf(rows[b]), "en", { numeric: true });
        const va = asNumber(rows[a][key]);
        const vb = asNumber(rows[b][key]);
        if (va === null && vb === null) return a - b;
        if (va === null) return 1; // missing values last in both directions
        if (vb === null) return -1;
        return ascending ? va - vb : vb - va;
      });
    }
    tbody.replaceChildren(
      ...order.map((i) => {
        const r = rows[i];
        const id = rowOf(r);
        const label = labelOf(r);
        const box = h("input", { type: "checkbox", class: "plot-sample", "aria-label": `Plot ${label}`, checked: selected.has(id) });
        box.addEventListener("change", () => {
          if (box.checked && selected.size >= options.maxSelected) {
            box.checked = false;
            status.textContent = `At most ${options.maxSelected} samples can be drawn; untick one first.`;
            return;
          }
          if (box.checked) selected.add(id);
          else selected.delete(id);
          updateStatus();
          options.onSelection([...selected].sort((a, b) => a - b));
        });
        return h(
          "tr",
          { "data-row": id, "data-label": label },
          h("td", {}, box),
          h("th", { scope: "row" }, label),
          columns.map((c) => {
            const v = asNumber(r[c.key]);
            const flag = flagFor(r, c.key);
            return h(
              "td",
              { class: `num${flag ? " flagged" : ""}`, "data-key": c.key, "data-value": v === null ? "" : String(v), title: flag ? `flag: ${flag}` : null },
              formatMetric(v, c.digits ?? 4),
              flag ? h("sup", {}, "†") : null,
            );
          }),
        );
      }),
    );
    for (const th of headers) {
      const key = th.getAttribute("data-key");
      if (!key) continue;
      th.setAttribute("aria-sort", key === sortKey ? (ascending ? "ascending" : "descending") : "none");
    }
  }

  for (const th of headers) {
    const key = th.getAttribute("data-key");
    if (!key) continue;
    const sort = () => {
      if (sortKey === key) ascending = !ascending;
      else {
        sortKey = key;
        ascending = key === LABEL; // numbers: largest first on the first click
      }
      draw();
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") sort();
    });
  }

  draw();
  updateStatus();
  return h(
    "div",
    {},
    h("div", { class: "table-wrap metrics-wrap" }, h("table", { class: "stats", id: "metrics-table" }, h("thead", {}, h("tr", {}, headers)), tbody)),
    status,
  );
}
