// The results of a finished rock-to-supply run: the key numbers of every step (each value also in `data-value`,
// exactly as the API returned it), the final "Supply impact with uncertainty" chart for a chosen stage, and the
// links to the report, the run record and the re-run.
import { h } from "../../dom";
import { type StageImpact, type StepKey, type WorkflowRun, workflowApi } from "./api";
import { HHI_COLOUR, impactChart, relianceChart, RELIANCE_COLOUR, WGI_COLOUR } from "./charts";
import { STEP_TITLES } from "./steps";

const en = (v: number, digits: number) => v.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Tonnes as t, kt or Mt (two decimals for Mt, one for kt). */
export function tonnes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a >= 1e6) return `${en(v / 1e6, 2)} Mt`;
  if (a >= 1e3) return `${en(v / 1e3, 1)} kt`;
  return `${Math.round(v).toLocaleString("en-GB")} t`;
}

/** Money in millions with one decimal, e.g. "468.0 M USD". */
export function millions(v: number | null | undefined, currency: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return `${en(v / 1e6, 1)} M ${currency}`;
}

export function percent(p: number | null | undefined, digits = 1): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  return `${(100 * p).toFixed(digits)} %`;
}

export function areaKm2(v: number): string {
  return `${Math.round(v).toLocaleString("en-GB")} km²`;
}

function item(label: string, id: string, value: number | null | undefined, text: string, title?: string): HTMLElement[] {
  return [
    h("dt", {}, label),
    h("dd", { id, "data-value": value === null || value === undefined ? "" : String(value), title: title ?? null }, text),
  ];
}

function card(key: StepKey, n: number, run: WorkflowRun, ...rows: HTMLElement[][]): HTMLElement {
  const cached = run.steps[key]?.cached;
  return h(
    "section",
    { class: "wf-card", id: `wf-result-${key}` },
    h("h3", {}, `${n} ${STEP_TITLES[key]}`, cached ? h("span", { class: "wf-cached" }, "cached") : ""),
    h("dl", { class: "kv small" }, rows.flat()),
  );
}

function legend(partner: string | undefined): HTMLElement {
  const entry = (colour: string, label: string, kind: "line" | "band" | "dash") =>
    h("li", {}, h("span", { class: `wf-swatch ${kind}`, style: kind === "band" ? `background:${colour};opacity:0.25` : `border-color:${colour}` }), label);
  return h(
    "ul",
    { class: "series-legend wf-legend", id: "wf-impact-legend" },
    entry(HHI_COLOUR, "HHI: median over the draws", "line"),
    entry(HHI_COLOUR, "HHI: 10th–90th percentile", "band"),
    entry(HHI_COLOUR, "HHI before the project", "dash"),
    entry(WGI_COLOUR, "HHI × WGI (governance-weighted): median", "line"),
    entry(WGI_COLOUR, "HHI × WGI: 10th–90th percentile", "band"),
    entry(WGI_COLOUR, "HHI × WGI before the project", "dash"),
    partner ? entry(RELIANCE_COLOUR, `${partner} import reliance: median, band, before`, "line") : null,
  );
}

function stageSummary(years: number[], stage: string, st: StageImpact): HTMLElement {
  const last = years.length - 1;
  const p = st.partner;
  const d = st.disruption;
  const g = st.geopolrisk;
  return h(
    "dl",
    { class: "kv small", id: "wf-stage-summary", "data-stage": stage },
    item("HHI before", "wf-hhi-before", st.before.hhi, Math.round(st.before.hhi).toLocaleString("en-GB")),
    item(`HHI ${years[last]} (median, 10th–90th pct.)`, "wf-hhi-after", st.after.hhi.q50[last],
      `${Math.round(st.after.hhi.q50[last]).toLocaleString("en-GB")} (${Math.round(st.after.hhi.q10[last]).toLocaleString("en-GB")}–${Math.round(st.after.hhi.q90[last]).toLocaleString("en-GB")})`),
    item("HHI × WGI before", "wf-hhi-wgi-before", st.before.hhi_wgi, Math.round(st.before.hhi_wgi).toLocaleString("en-GB")),
    item(`HHI × WGI ${years[last]} (median)`, "wf-hhi-wgi-after", st.after.hhi_wgi.q50[last], Math.round(st.after.hhi_wgi.q50[last]).toLocaleString("en-GB")),
    p ? item(`${p.country} import reliance before`, "wf-reliance-before", p.import_reliance_before, percent(p.import_reliance_before)) : [],
    p ? item(`${p.country} import reliance ${years[last]} (median)`, "wf-reliance-after", p.import_reliance_after.q50[last], percent(p.import_reliance_after.q50[last])) : [],
    d ? item(`Shortfall if ${(d.countries ?? []).join(", ")} restrict, before`, "wf-shortfall-before", d.shortfall_t_before, tonnes(d.shortfall_t_before)) : [],
    d ? item(`Shortfall ${years[last]} (median)`, "wf-shortfall-after", d.shortfall_t_after.q50[last], tonnes(d.shortfall_t_after.q50[last])) : [],
    g && p ? item(`${p.country} GeoPolRisk before`, "wf-geopolrisk-before", g.before.geopolrisk, g.before.geopolrisk.toFixed(3)) : [],
    g && p ? item(`${p.country} GeoPolRisk ${years[last]} (median)`, "wf-geopolrisk-after", g.after.geopolrisk.q50[last], g.after.geopolrisk.q50[last].toFixed(3)) : [],
  );
}

export interface ResultsHandlers {
  onRerun(button: HTMLButtonElement, out: HTMLElement): void;
  stage?: string;
  onStage?(stage: string): void;
}

export function resultsView(run: WorkflowRun, handlers: ResultsHandlers): HTMLElement {
  const r = run.result!;
  const t = r.tract;
  const res = r.resource;
  const ef = r.economic_filter;
  const pr = r.project;
  const sp = r.supply;
  const cur = pr.evaluation.currency || "USD";
  const basis = res.grade;
  const est = res.deposit_number.estimate ?? {};
  const mc = pr.montecarlo.summary;

  const cards = h(
    "div",
    { class: "wf-cards" },
    card("tract", 1, run,
      item("Area", "wf-tract-area", t.area_km2, areaKm2(t.area_km2)),
      item("Known deposits", "wf-known-deposits", t.known_deposits, String(t.known_deposits),
        t.deposits.map((d) => d.name).join(", ") || undefined)),
    card("resource", 2, run,
      item("Undiscovered deposits N90 / N50 / N10", "wf-undiscovered", est.undiscovered_n50 ?? null,
        [est.undiscovered_n90, est.undiscovered_n50, est.undiscovered_n10].map((v) => (v === undefined ? "—" : v.toFixed(1))).join(" / ")),
      item(`Contained ${basis} P90`, "wf-contained-p90", res.contained_t.p90, tonnes(res.contained_t.p90)),
      item(`Contained ${basis} P50`, "wf-contained-p50", res.contained_t.p50, tonnes(res.contained_t.p50)),
      item(`Contained ${basis} P10`, "wf-contained-p10", res.contained_t.p10, tonnes(res.contained_t.p10)),
      res.ndpr ? item("Contained NdPr P50", "wf-ndpr-p50", res.ndpr.contained_t.p50, tonnes(res.ndpr.contained_t.p50)) : []),
    card("economic_filter", 3, run,
      item("P(any economic deposit)", "wf-p-any-economic", ef.p_any_economic, percent(ef.p_any_economic)),
      item("Economic share of deposits", "wf-fraction-economic", ef.fraction_economic, percent(ef.fraction_economic)),
      item(`Recovered ${basis} P50`, "wf-recovered-p50", ef.recovered_t.p50, tonnes(ef.recovered_t.p50)),
      item("Representative deposit", "wf-representative", ef.representative.ore_t,
        `${tonnes(ef.representative.ore_t)} ore at ${ef.representative.grade_pct.toFixed(2)} % ${basis}`)),
    card("project", 4, run,
      item("Output · life", "wf-project-scale", pr.annual_output,
        `${Math.round(pr.annual_output).toLocaleString("en-GB")} t/yr · ${pr.life_years} years`),
      item("Initial capex", "wf-capex", pr.scaling.capex, millions(pr.scaling.capex, cur)),
      item("NPV (100 %, post-tax)", "wf-npv", pr.evaluation.npv, millions(pr.evaluation.npv, cur)),
      item("IRR", "wf-irr", pr.evaluation.irr, percent(pr.evaluation.irr)),
      item("P(NPV < 0)", "wf-prob-negative", mc.prob_negative, percent(mc.prob_negative)),
      item("NPV P90 / P50 / P10", "wf-npv-range", mc.p50, `${millions(mc.p90, cur)} / ${millions(mc.p50, cur)} / ${millions(mc.p10, cur)}`)),
    card("supply", 5, run,
      item("P(project built)", "wf-prob-built", sp.prob_built, percent(sp.prob_built)),
      item(`Added supply ${sp.years[sp.years.length - 1]} (mean)`, "wf-added-mean", sp.added_t.mean[sp.added_t.mean.length - 1],
        tonnes(sp.added_t.mean[sp.added_t.mean.length - 1]))),
  );

  // --- the final chart
  const stages = Object.keys(sp.stages);
  const stageSel = h("select", { id: "wf-stage" }, stages.map((st) => h("option", { value: st }, st)));
  if (handlers.stage && stages.includes(handlers.stage)) stageSel.value = handlers.stage;
  const chartHolder = h("div", { class: "wf-chart-holder" });
  const drawStage = () => {
    const st = stageSel.value;
    const impact = sp.stages[st];
    chartHolder.replaceChildren(
      impactChart(sp.years, st, impact),
      relianceChart(sp.years, st, impact) ?? "",
      legend(impact.partner?.country),
      stageSummary(sp.years, st, impact),
      impact.base?.source ? h("p", { class: "small muted" }, `Today's ${st} shares: ${impact.base.source}${impact.base.base_year ? ` (${impact.base.base_year})` : ""}. ` +
        "Bands: 10th–90th percentile over the draws (assessment trial × project Monte Carlo draw); years without the project keep today's level.") : "",
    );
    handlers.onStage?.(st);
  };
  stageSel.addEventListener("change", drawStage);
  drawStage();

  // --- report, record, re-run
  const rerunBtn = h("button", { type: "button", class: "button secondary", id: "wf-rerun" }, "Re-run (no cache)");
  const rerunOut = h("div", { class: "small", id: "wf-rerun-result", "aria-live": "polite" });
  rerunBtn.addEventListener("click", () => handlers.onRerun(rerunBtn, rerunOut));
  const actions = h(
    "section",
    { class: "wf-actions", id: "wf-actions" },
    h("a", { class: "button secondary", id: "wf-report-pdf", href: workflowApi.reportPdfUrl(run.id), download: `workflow_${run.id}_report.pdf` }, "Report (PDF)"),
    h("a", { class: "button secondary", id: "wf-report-html", href: workflowApi.reportHtmlUrl(run.id), target: "_blank", rel: "noopener" }, "Report (HTML)"),
    h("a", { class: "button secondary", id: "wf-provenance", href: workflowApi.provenanceUrl(run.id), target: "_blank", rel: "noopener" }, "Run record (JSON)"),
    rerunBtn,
    rerunOut,
  );

  return h(
    "div",
    { class: "wf-results", id: "wf-results", "data-run-id": String(run.id), "data-sha256": run.result_sha256 ?? "" },
    h("div", { class: "results-head" }, h("h2", {}, `Run #${run.id}: ${t.name}`),
      h("span", { class: "small muted" }, `result SHA-256 ${(run.result_sha256 ?? "").slice(0, 12)}…`)),
    cards,
    h("section", { class: "chart-section", id: "wf-impact" },
      h("div", { class: "results-head" }, h("h3", {}, "Supply impact with uncertainty"),
        h("label", { class: "field inline-field" }, h("span", {}, "Stage"), stageSel)),
      chartHolder),
    actions,
  );
}
