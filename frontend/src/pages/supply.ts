// "Supply chains" page: world map of production shares per commodity and stage, concentration over time and by
// stage, the EU criticality matrix with list membership, an export-restriction scenario runner and the NdFeB
// chain as a Sankey diagram. All numbers come from /api/supply (critmin.supply); nothing is computed here.
import { api } from "../api";
import { fmt, h } from "../dom";
import { histogramChart, matrixChart, seriesChart } from "./supply/charts";
import { sankeyChart } from "./supply/sankey";
import { ShareMap, shareLegend } from "./supply/shareMap";
import { supplyApi, type Concentration, type SupplyCommodity } from "./supply/api";
import type { Page, PageContext } from "./types";

const EXAMPLE_SCENARIO = `# Illustrative scenario: the elasticities and partner figures are assumptions for the example, not published
# estimates. Replace them with values you can cite (e.g. from USGS OFR 2024-1057, doi:10.3133/ofr20241057).
[scenario]
name = "China restricts gallium exports by 50 %"
commodity = "gallium"
stage = "refinery"
year = 2023
start = "2023-08-01"
duration_days = 365

[restriction]
countries = ["CHN"]
fraction = 0.5

[market]
supply_elasticity = 0.3
demand_elasticity = -0.3
elasticity_source = "illustrative assumption (no published estimate used); cite yours"
spare_capacity = 0.5

[partner]
country = "USA"
demand_t = 19
import_shares = { CHN = 0.25, JPN = 0.3, DEU = 0.2, CAN = 0.1 }
stockpile_t = 1

[monte_carlo]
draws = 5000
seed = 42
supply_elasticity = { dist = "uniform", low = 0.1, high = 0.5 }
demand_elasticity = { dist = "triangular", low = -0.6, mode = -0.3, high = -0.1 }
`;

const EXAMPLE_INPUTS = `commodity,import_reliance,eol_rir,si_sr,si_ei
gallium,0.98,0.0,0.95,0.9
graphite,1.0,0.03,0.9,0.95
lithium,0.8,0.0,0.9,0.95`;

const EXAMPLE_END_USES = `commodity,sector,share,gva
gallium,C26,1.0,60
graphite,C27,0.6,40
graphite,C24,0.4,30
lithium,C27,0.8,40
lithium,C23,0.2,20`;

const DL_STYLE = "display:grid;grid-template-columns:max-content auto;gap:0.25rem 0.9rem;margin:0.5rem 1.5rem 0 0;align-items:baseline";

function errorBox(id: string): HTMLElement {
  return h("p", { class: "error", id, hidden: true });
}

function showError(el: HTMLElement, err: unknown): void {
  el.hidden = false;
  el.textContent = err instanceof Error ? err.message : String(err);
}

function sharesTable(c: Concentration): HTMLElement {
  const rows = Object.entries(c.shares).sort((a, b) => b[1] - a[1]);
  return h("table", { class: "stats compact", id: "shares-table" },
    h("caption", {}, `${c.commodity} ${c.stage} ${c.year} — ${c.source}`),
    h("thead", {}, h("tr", {}, h("th", {}, "Country"), h("th", {}, "Share"))),
    h("tbody", {}, rows.map(([name, share]) => h("tr", { "data-country": name }, h("td", {}, name), h("td", {}, `${(100 * share).toFixed(1)} %`)))));
}

function indices(c: Concentration): HTMLElement {
  return h("dl", { class: "indices", id: "supply-indices", style: DL_STYLE },
    h("dt", {}, "HHI"), h("dd", { id: "hhi-value" }, fmt(Math.round(c.hhi))),
    h("dt", {}, "HHI × WGI"), h("dd", { id: "hhi-wgi-value" }, fmt(Math.round(c.hhi_wgi))),
    h("dt", {}, "Top-1"), h("dd", {}, `${c.top1_country} ${(100 * c.top1_share).toFixed(1)} %`),
    h("dt", {}, "Top-3"), h("dd", { id: "top3-value" }, `${(100 * c.top3_share).toFixed(1)} %`),
    c.flags.length ? h("dd", { class: "muted" }, c.flags.join("; ")) : null);
}

async function render(container: HTMLElement, context: PageContext): Promise<() => void> {
  const [config, commodities, lists] = await Promise.all([api.uiConfig(), supplyApi.commodities(), supplyApi.lists()]);
  const bySymbol = new Map<string, SupplyCommodity>(commodities.map((c) => [c.symbol, c]));
  const commoditySel = h("select", { id: "supply-commodity" }, commodities.map((c) => h("option", { value: c.symbol }, c.name)));
  const stageSel = h("select", { id: "supply-stage" });
  const yearSel = h("select", { id: "supply-year" });
  const mapEl = h("div", { class: "map", id: "supply-map", style: "height:360px;position:relative" });
  const sideHolder = h("div", { class: "supply-side" });
  const seriesHolder = h("div", { id: "series-holder" });
  const profileHolder = h("div", { id: "profile-holder" });
  const concError = errorBox("supply-error");

  commoditySel.value = context.params.get("commodity") ?? "REE";
  const fillStages = () => {
    const c = bySymbol.get(commoditySel.value);
    stageSel.replaceChildren(...(c?.stages ?? []).map((s) => h("option", { value: s.stage }, s.stage)));
  };
  const fillYears = () => {
    const st = bySymbol.get(commoditySel.value)?.stages.find((s) => s.stage === stageSel.value);
    const years = [...(st?.years ?? [])].sort((a, b) => b - a);
    yearSel.replaceChildren(...years.map((y) => h("option", { value: String(y) }, String(y))));
  };
  fillStages();
  const stageParam = context.params.get("stage");
  if (stageParam) stageSel.value = stageParam;
  fillYears();
  const yearParam = context.params.get("year");
  if (yearParam) yearSel.value = yearParam;

  const shareMap = new ShareMap(mapEl, config.boundary_url);

  async function loadConcentration(): Promise<void> {
    concError.hidden = true;
    const params = new URLSearchParams({ commodity: commoditySel.value, stage: stageSel.value, year: yearSel.value });
    context.setParams(params);
    try {
      const [c, series, profile] = await Promise.all([
        supplyApi.concentration(commoditySel.value, stageSel.value, Number(yearSel.value)),
        supplyApi.series(commoditySel.value, stageSel.value),
        supplyApi.profile(commoditySel.value, Number(yearSel.value)),
      ]);
      sideHolder.replaceChildren(indices(c), sharesTable(c));
      seriesHolder.replaceChildren(series.length ? seriesChart(series) : h("p", { class: "muted" }, "One year only."));
      profileHolder.replaceChildren(
        h("table", { class: "stats compact", id: "profile-table" },
          h("caption", {}, `Concentration by stage (worst: ${profile.worst_stage ?? "—"})`),
          h("thead", {}, h("tr", {}, ["Stage", "Year", "HHI", "HHI × WGI", "Top-1"].map((t) => h("th", {}, t)))),
          h("tbody", {}, profile.stages.map((p) => h("tr", { class: p.stage === profile.worst_stage ? "worst" : "" },
            h("td", {}, p.stage), h("td", {}, String(p.year)), h("td", {}, fmt(Math.round(p.hhi))),
            h("td", {}, fmt(Math.round(p.hhi_wgi))), h("td", {}, `${p.top1_country} ${(100 * p.top1_share).toFixed(0)} %`))))));
      await shareMap.show(c);
    } catch (err) {
      showError(concError, err);
    }
  }
  commoditySel.addEventListener("change", () => {
    fillStages();
    fillYears();
    void loadConcentration();
  });
  stageSel.addEventListener("change", () => {
    fillYears();
    void loadConcentration();
  });
  yearSel.addEventListener("change", () => void loadConcentration());

  // ---- criticality matrix and list membership
  const inputsArea = h("textarea", { id: "crit-inputs", rows: 5, cols: 60 }, EXAMPLE_INPUTS);
  const endUsesArea = h("textarea", { id: "crit-end-uses", rows: 6, cols: 60 }, EXAMPLE_END_USES);
  const matrixHolder = h("div", { id: "matrix-holder" });
  const critError = errorBox("crit-error");
  const critBtn = h("button", { type: "button", id: "crit-run" }, "Compute EU SR and EI");
  critBtn.addEventListener("click", async () => {
    critError.hidden = true;
    try {
      const res = await supplyApi.criticality({ method: "eu", inputs_csv: inputsArea.value, end_uses_csv: endUsesArea.value, year: 2023 });
      matrixHolder.replaceChildren(matrixChart(res.results), h("ul", { class: "muted" }, res.notes.map((n) => h("li", {}, n))));
    } catch (err) {
      showError(critError, err);
    }
  });
  const listNames = Object.keys(lists);
  const listTable = h("table", { class: "stats compact", id: "list-membership" },
    h("caption", {}, "Membership of the published critical-mineral lists"),
    h("thead", {}, h("tr", {}, h("th", {}, "Commodity"), listNames.map((l) => h("th", {}, `${l} (${lists[l].length})`)))),
    h("tbody", {}, commodities.map((c) => h("tr", {}, h("td", {}, c.name), listNames.map((l) => {
      const hit = lists[l].some((m) => [c.name.toLowerCase(), ...c.aliases].includes(m.toLowerCase()) || (c.symbol === "REE" && /REE|rare/i.test(m)));
      return h("td", {}, hit ? "✓" : "");
    })))));

  // ---- scenario runner
  const scenarioArea = h("textarea", { id: "scenario-toml", rows: 18, cols: 70 }, EXAMPLE_SCENARIO);
  const scenarioBtn = h("button", { type: "button", id: "scenario-run" }, "Run scenario");
  const scenarioOut = h("div", { id: "scenario-result" });
  const scenarioError = errorBox("scenario-error");
  scenarioBtn.addEventListener("click", async () => {
    scenarioError.hidden = true;
    try {
      const r = await supplyApi.scenario(scenarioArea.value);
      const p = r.partner;
      scenarioOut.replaceChildren(
        h("dl", { class: "indices", style: DL_STYLE },
          h("dt", {}, "Lost world supply"), h("dd", { id: "scenario-lost" }, `${(100 * r.lost_share).toFixed(1)} %`),
          h("dt", {}, "Price change"), h("dd", { id: "scenario-price" }, `${(100 * r.price_change).toFixed(0)} %`),
          h("dt", {}, "Cleared quantity"), h("dd", {}, `${(100 * r.quantity_change).toFixed(1)} %`),
          p ? [h("dt", {}, `Partner ${p.country}`), h("dd", { id: "scenario-cover" },
            `shortfall ${fmt(Number(p.direct_shortfall_t_per_year))} t/yr; stockpile cover ${fmt(Number(p.stockpile_days_of_cover))} days`)] : null,
          r.downstream.map((d) => [h("dt", {}, d.stage), h("dd", {}, `output −${(100 * d.output_loss_fraction).toFixed(1)} %`)]),
          h("dt", {}, "Elasticities"), h("dd", {}, r.elasticity_source)),
        r.monte_carlo ? histogramChart(r.monte_carlo.histogram, r.monte_carlo.histogram_edges) : "",
        r.monte_carlo ? h("p", { class: "muted", id: "scenario-mc" },
          `${r.monte_carlo.draws} draws, seed ${r.monte_carlo.seed}: P5 ${(100 * r.monte_carlo.price_change_percentiles.p5).toFixed(0)} %, ` +
          `P50 ${(100 * r.monte_carlo.price_change_percentiles.p50).toFixed(0)} %, P95 ${(100 * r.monte_carlo.price_change_percentiles.p95).toFixed(0)} %` +
          ` (histogram to the 99th percentile; ${r.monte_carlo.histogram_overflow} draws above)`) : "",
      );
    } catch (err) {
      showError(scenarioError, err);
    }
  });

  // ---- NdFeB chain
  const ev = h("input", { type: "number", id: "ndfeb-ev", value: "1000", min: "0" });
  const wind = h("input", { type: "number", id: "ndfeb-wind", value: "1000", min: "0" });
  const elec = h("input", { type: "number", id: "ndfeb-electronics", value: "1000", min: "0" });
  const capStage = h("select", { id: "ndfeb-cap-stage" }, ["", "mine", "separation", "magnet"].map((s) => h("option", { value: s }, s || "no new capacity")));
  const capT = h("input", { type: "number", id: "ndfeb-cap-t", value: "10000", min: "0" });
  const sankeyHolder = h("div", { id: "sankey-holder", style: "overflow-x:auto" });
  const ndfebError = errorBox("ndfeb-error");
  async function loadNdfeb(): Promise<void> {
    ndfebError.hidden = true;
    try {
      const q: Record<string, string> = { ev_motors: ev.value, wind_turbines: wind.value, electronics: elec.value };
      if (capStage.value) Object.assign(q, { capacity_stage: capStage.value, capacity_country: "new non-Chinese plant", capacity_t: capT.value });
      const r = await supplyApi.ndfeb(q);
      const eff = (r as unknown as { capacity_effect: { stage: string; china_share_before?: number; china_share_after?: number }[] }).capacity_effect;
      sankeyHolder.replaceChildren(sankeyChart(r),
        h("p", { id: "ndfeb-summary" }, `Bottleneck: ${r.bottleneck}. REO per t of magnet: ${r.reo_per_t_magnet.toFixed(3)} t. ` +
          `Mass balance error ≤ ${r.mass_balance_max_error.toExponential(1)} t.`),
        ...eff.map((e) => h("p", { class: "capacity-effect" }, e.china_share_after !== undefined
          ? `New ${e.stage} capacity: China's share ${(100 * (e.china_share_before ?? 0)).toFixed(1)} % → ${(100 * e.china_share_after).toFixed(1)} %`
          : `New ${e.stage} capacity: no cited country split at this stage`)));
    } catch (err) {
      showError(ndfebError, err);
    }
  }
  const ndfebBtn = h("button", { type: "button", id: "ndfeb-run" }, "Update chain");
  ndfebBtn.addEventListener("click", () => void loadNdfeb());

  container.append(h("div", { class: "page-text supply-page", style: "max-width:1100px" },
    h("h1", {}, "Supply chains"),
    h("p", { class: "muted" }, "Production shares from the USGS Mineral Commodity Summaries 2023 and 2024 data releases (each year from the latest edition); " +
      "stages the MCS lacks from the cited sources listed in SOURCES.supply.toml. Governance: World Bank WGI political stability."),
    h("section", { class: "chart-section", id: "section-concentration" },
      h("h2", {}, "Production shares and concentration"),
      h("div", { class: "chart-row" },
        h("label", { class: "field" }, h("span", {}, "Commodity"), commoditySel),
        h("label", { class: "field" }, h("span", {}, "Stage"), stageSel),
        h("label", { class: "field" }, h("span", {}, "Year"), yearSel)),
      concError,
      h("div", { class: "map-wrap", style: "position:relative" }, mapEl, shareLegend()),
      h("div", { class: "chart-row" }, sideHolder, h("div", {}, seriesHolder, profileHolder))),
    h("section", { class: "chart-section", id: "section-criticality" },
      h("h2", {}, "Criticality matrix (EU method)"),
      h("p", { class: "muted" }, "Import reliance, end-of-life recycling input rate, substitution indices and end-use GVA are your inputs " +
        "(the example rows are illustrative assumptions, not published figures). Thresholds: SR ≥ 1.0 and EI ≥ 2.8."),
      h("div", { class: "chart-row" },
        h("label", { class: "field" }, h("span", {}, "Inputs CSV"), inputsArea),
        h("label", { class: "field" }, h("span", {}, "End uses CSV"), endUsesArea)),
      critBtn, critError, matrixHolder, listTable),
    h("section", { class: "chart-section", id: "section-scenario" },
      h("h2", {}, "Export-restriction scenario"),
      h("label", { class: "field" }, h("span", {}, "Scenario (TOML, see docs/supply.md)"), scenarioArea),
      scenarioBtn, scenarioError, scenarioOut),
    h("section", { class: "chart-section", id: "section-ndfeb" },
      h("h2", {}, "NdFeB magnet chain"),
      h("div", { class: "chart-row" },
        h("label", { class: "field" }, h("span", {}, "EV motor magnets (t/yr)"), ev),
        h("label", { class: "field" }, h("span", {}, "Wind-turbine magnets (t/yr)"), wind),
        h("label", { class: "field" }, h("span", {}, "Electronics magnets (t/yr)"), elec),
        h("label", { class: "field" }, h("span", {}, "New capacity at"), capStage),
        h("label", { class: "field" }, h("span", {}, "Capacity (t/yr)"), capT)),
      ndfebBtn, ndfebError, sankeyHolder),
  ));
  await Promise.all([loadConcentration(), loadNdfeb()]);
  return () => shareMap.map.remove();
}

export const supplyPage: Page = {
  id: "supply",
  title: "Supply chains",
  path: "/supply",
  render,
};
