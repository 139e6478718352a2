// Results of one finished assessment run: statistics table (USGS convention explained), pmf bars, GT scatter,
// CCDF of the totals per quantity, the moment check, warnings and provenance.
import { assessmentApi, type GtTableResponse, type QuantityStatistics, type RunCcdf, type RunDetail, type RunPmf } from "../api";
import { h, text } from "../dom";
import { ccdfChart, gtScatter, pmfChart } from "./charts";
import { readEstimatesCsv, type ExpertEstimate } from "./csvFiles";

const MARK3_LEVELS = ["N90", "N50", "N10", "N05", "N01", "N005", "N001", "N0005", "N0001"];

/** Columns of the statistics table: key, header, tooltip, how to read the value from the statistics. */
const STAT_COLUMNS: { key: string; label: string; title: string; get(s: QuantityStatistics): number | null; prob?: boolean }[] = [
  { key: "mean", label: "Mean", title: "Arithmetic mean of the simulated totals", get: (s) => s.mean },
  { key: "median", label: "Median", title: "0.5 quantile", get: (s) => s.median },
  { key: "sd", label: "SD", title: "Standard deviation (n − 1)", get: (s) => s.sd },
  { key: "P90", label: "P90", title: "Amount exceeded with probability 0.9 (the 0.1 quantile)", get: (s) => s.exceedance.P90 ?? null },
  { key: "P50", label: "P50", title: "Amount exceeded with probability 0.5 (the median)", get: (s) => s.exceedance.P50 ?? null },
  { key: "P10", label: "P10", title: "Amount exceeded with probability 0.1 (the 0.9 quantile)", get: (s) => s.exceedance.P10 ?? null },
  { key: "p_zero", label: "P(0)", title: "Probability that the total is zero", get: (s) => s.p_zero, prob: true },
  { key: "p_ge_mean", label: "P(≥ mean)", title: "Probability that the total is at least the mean", get: (s) => s.p_ge_mean, prob: true },
];

/** Amount in metric tons with four significant digits and thousands separators. */
export function formatTonnes(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  return Number(value.toPrecision(4)).toLocaleString("en-GB", { maximumFractionDigits: 6 });
}

export function formatProbability(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return value.toFixed(3);
}

function quantityLabel(q: string): string {
  return q === "ore" ? "Ore" : `${q} (contained)`;
}

export function statisticsTable(stats: Record<string, QuantityStatistics>, quantities: string[]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "stats", id: "stats-table" },
      h(
        "thead",
        {},
        h("tr", {}, h("th", {}, "Quantity"), h("th", {}, "Unit"), STAT_COLUMNS.map((c) => h("th", { class: "num", title: c.title, "data-stat": c.key }, c.label))),
      ),
      h(
        "tbody",
        {},
        quantities.map((q) => {
          const s = stats[q];
          return h(
            "tr",
            { "data-quantity": q },
            h("th", { scope: "row" }, quantityLabel(q)),
            h("td", { class: "muted" }, "t"),
            STAT_COLUMNS.map((c) => {
              const v = s ? c.get(s) : null;
              return h(
                "td",
                { class: "num", "data-stat": c.key, "data-value": v === null ? "" : String(v) },
                c.prob ? formatProbability(v) : formatTonnes(v),
              );
            }),
          );
        }),
      ),
    ),
    h(
      "p",
      { class: "note", id: "stats-note" },
      h("strong", {}, "Convention. "),
      "P90, P50 and P10 follow the USGS “probability of at least” naming: P90 is the amount exceeded with probability 0.9 " +
        "(the 10th percentile of the simulated totals), so P90 ≤ P50 ≤ P10. All amounts are metric tons of ore or of contained " +
        "metal; quantiles use linear interpolation (R type 7) over all trials, trials without deposits included.",
    ),
  );
}

function momentCheck(run: RunDetail): HTMLElement | null {
  const check = run.result?.moment_check;
  if (!check) return null;
  const z = check.max_abs_z === null ? "—" : check.max_abs_z.toFixed(2);
  return h(
    "details",
    { class: "moment-check", id: "moment-check" },
    h(
      "summary",
      {},
      h("span", { class: check.passed ? "ok-text" : "error-text" }, check.passed ? "Moment check passed" : "Moment check failed"),
      ` — largest |z| = ${z} (limit ${check.z_limit}); simulated mean and variance against the compound-sum formulas E[T] = E[N]·μ, Var[T] = E[N]·σ² + Var(N)·μ²`,
    ),
    h(
      "table",
      { class: "stats compact" },
      h("thead", {}, h("tr", {}, ["Quantity", "Statistic", "Simulated", "Predicted", "z"].map((t, i) => h("th", { class: i > 1 ? "num" : "" }, t)))),
      h(
        "tbody",
        {},
        check.rows.map((r) =>
          h(
            "tr",
            {},
            h("td", {}, r.quantity),
            h("td", {}, r.statistic),
            h("td", { class: "num" }, formatTonnes(r.simulated)),
            h("td", { class: "num" }, formatTonnes(r.predicted)),
            h("td", { class: "num" }, r.z === null ? "—" : r.z.toFixed(2)),
          ),
        ),
      ),
    ),
  );
}

function provenanceBlock(run: RunDetail): HTMLElement {
  const p = run.provenance ?? {};
  const row = (k: string, v: unknown) => [h("dt", {}, k), h("dd", {}, text(v))];
  return h(
    "details",
    { class: "provenance", id: "run-provenance" },
    h("summary", {}, "Provenance"),
    h(
      "dl",
      { class: "kv" },
      row("Run", `#${run.id} · ${run.name}`),
      row("Operation", p.operation),
      row("critmin version", p.critmin_version),
      row("Seed", run.result?.seed ?? run.seed),
      row("Trials", run.result?.trials.toLocaleString("en-GB")),
      row("GT input", `${run.inputs.gt.kind} · sha256 ${run.inputs.gt.sha256.slice(0, 12)}…`),
      row("Deposit numbers", `${run.inputs.pmf.kind} · sha256 ${run.inputs.pmf.sha256.slice(0, 12)}…`),
      row("Inputs sha256", p.inputs_sha256),
      row("Options", Object.entries(run.parameters).map(([k, v]) => `${k} = ${v}`).join(", ")),
      row("Elapsed", run.result ? `${run.result.elapsed_s.toFixed(2)} s` : null),
      row("Created", run.created_at),
    ),
  );
}

/** The deposit-number input of the run: the experts' table, the Mark3 levels or the given parameter. */
function estimatesBlock(kind: string, given: unknown): HTMLElement | null {
  let experts: ExpertEstimate[] | null = null;
  try {
    if (kind === "estimates_csv" && typeof given === "string") experts = readEstimatesCsv(given);
    else if (kind === "estimates" && Array.isArray(given)) experts = given as ExpertEstimate[];
  } catch {
    experts = null;
  }
  if (experts) {
    return h(
      "table",
      { class: "stats compact", id: "estimates-table" },
      h("caption", {}, "Expert estimates (number of deposits at 90 %, 50 %, 10 % probability)"),
      h("thead", {}, h("tr", {}, ["Expert", "Weight", "N90", "N50", "N10"].map((c, i) => h("th", { class: i ? "num" : "" }, c)))),
      h(
        "tbody",
        {},
        experts.map((e) =>
          h("tr", {}, h("td", {}, e.name ?? "—"), [e.weight, e.n90, e.n50, e.n10].map((v) => h("td", { class: "num" }, String(v)))),
        ),
      ),
    );
  }
  if (kind === "mark3" && Array.isArray(given)) {
    return h(
      "table",
      { class: "stats compact", id: "estimates-table" },
      h("caption", {}, "Mark3 levels: at least this many deposits with 90 %, 50 %, 10 % … probability"),
      h("tbody", {}, (given as number[]).map((v, i) => h("tr", {}, h("th", {}, MARK3_LEVELS[i] ?? `level ${i + 1}`), h("td", { class: "num" }, String(v))))),
    );
  }
  return h("p", { class: "muted small" }, `Deposit numbers from ${kind.replace(/_/g, " ")}.`);
}

function chartSection(title: string, note: string | null, ...content: (Node | null)[]): HTMLElement {
  return h("section", { class: "chart-section" }, h("h3", {}, title), note ? h("p", { class: "muted small" }, note) : null, content);
}

/** The whole results block of a finished run. */
export function resultsView(run: RunDetail, pmf: RunPmf, gt: GtTableResponse, ccdf: RunCcdf): HTMLElement {
  const result = run.result!;
  const quantities = result.quantities;
  const pmfNote =
    `${pmf.method}: mean ${pmf.mean?.toFixed(3) ?? "—"}, variance ${pmf.variance?.toFixed(3) ?? "—"}, mode ${text(pmf.mode)}, ` +
    `support ${pmf.min}–${pmf.max}; simulated mean ${result.mean_n_deposits.toFixed(3)} deposits per trial`;
  return h(
    "div",
    { class: "assess-results", id: "run-results", "data-run-id": run.id },
    h(
      "section",
      { class: "chart-section" },
      h(
        "div",
        { class: "results-head" },
        h("h3", {}, "Undiscovered resources"),
        h("a", { href: assessmentApi.totalsCsvUrl(run.id), download: `run-${run.id}-totals.csv`, class: "small" }, "Per-trial totals (CSV)"),
      ),
      h("p", { class: "muted small" }, `${result.trials.toLocaleString("en-GB")} trials, seed ${result.seed}; ${result.n_deposits_simulated.toLocaleString("en-GB")} deposits simulated.`),
      statisticsTable(result.statistics, quantities),
      result.warnings.length ? h("ul", { class: "warnings", id: "run-warnings" }, result.warnings.map((w) => h("li", {}, w))) : null,
      momentCheck(run),
    ),
    chartSection(
      "Number of undiscovered deposits",
      pmfNote,
      h(
        "div",
        { class: "chart-row" },
        pmfChart({ nMin: pmf.n[0] ?? pmf.min, probabilities: pmf.probability, mean: pmf.mean ?? undefined }),
        estimatesBlock(run.inputs.pmf.kind, run.inputs.pmf.given),
      ),
    ),
    chartSection(
      "Grade–tonnage model",
      `${gt.deposits.length} known deposits${gt.summary?.warnings?.length ? ` · ${gt.summary.warnings.join("; ")}` : ""}`,
      gtScatter(gt.deposits.map((d) => ({ name: d.name, ore_t: d.ore_t, grades_pct: Object.fromEntries(Object.entries(d.grades_pct).map(([k, v]) => [k, v ?? Number.NaN])) })), gt.elements),
    ),
    chartSection(
      "Probability of at least a given total",
      "Step curves of P(total ≥ x) over all trials (log x). Trials with no deposit have a zero total and cannot be drawn on a log axis: the curve starts at 1 − P(0).",
      h(
        "div",
        { class: "chart-row", id: "ccdf-charts" },
        quantities.map((q) => {
          const series = ccdf.quantities[q];
          const st = result.statistics[q];
          if (!series) return null;
          return h(
            "figure",
            { class: "chart-panel", "data-quantity": q },
            ccdfChart({ quantity: q, x: series.x, p_exceed: series.p_exceed, p_zero: series.p_zero, mean: st?.mean ?? null, marks: { P90: st?.exceedance.P90 ?? null, P50: st?.exceedance.P50 ?? null, P10: st?.exceedance.P10 ?? null } }),
            h("figcaption", {}, `${quantityLabel(q)} · P(0) = ${formatProbability(series.p_zero)}`),
          );
        }),
      ),
    ),
    provenanceBlock(run),
  );
}
