// "Economics" page: pick a bundled example or load a project file (TOML/JSON/YAML), adjust the main inputs, and see
// the evaluation (NPV, IRR, payback, unit costs, government take), the cash-flow chart and table, the tornado, the
// Monte Carlo histogram, the ESG screen, the supply impact and a side-by-side comparison of stored projects.
// Every number comes from /api/economics (critmin.economics); nothing is computed here.
import { fmt, h } from "../dom";
import { econApi, type ChecklistItem, type Evaluation, type Example, type ProjectDoc } from "./economics/api";
import { cashFlowChart, mcHistogram, tornadoChart } from "./economics/charts";
import type { Page } from "./types";

interface Field {
  id: string;
  label: string;
  section: string;
  key: string;
  unit: string;
}

const FIELDS: Field[] = [
  { id: "f-price", label: "Price (flat)", section: "price", key: "flat", unit: "currency / unit" },
  { id: "f-capex", label: "Initial capex", section: "costs", key: "capex", unit: "currency" },
  { id: "f-opex", label: "Opex", section: "costs", key: "opex_per_unit", unit: "currency / unit" },
  { id: "f-discount", label: "Discount rate", section: "valuation", key: "discount_rate", unit: "fraction" },
  { id: "f-tax", label: "Income tax rate", section: "fiscal", key: "income_tax_rate", unit: "fraction" },
  { id: "f-equity", label: "Co-investor equity", section: "ownership", key: "equity_share", unit: "fraction" },
];

const CF_ROWS = ["production", "realised_revenue", "royalty", "opex", "ebitda", "income_tax", "initial_capex",
  "sustaining_capex", "pre_tax_fcf", "post_tax_fcf", "investor_fcf", "government_take"];

const M = 1e6;

const CSS = `
.econ { max-width: 1240px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
.econ section { margin-top: 1.4rem; }
.econ .econ-form { display: grid; grid-template-columns: repeat(3, minmax(200px, 1fr)); gap: 0.4rem 1rem; margin: 0.6rem 0; }
.econ .econ-form label { display: flex; flex-direction: column; font-size: 0.85rem; color: #444; }
.econ textarea { width: 100%; font-family: monospace; font-size: 0.8rem; }
.econ dl.indices.econ-facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 0.5rem; }
.econ .fact { border: 1px solid #cfd8e0; border-radius: 6px; padding: 0.4rem 0.6rem; background: #f8fafc; }
.econ .fact dt { font-size: 0.75rem; color: #555; }
.econ .fact dd { margin: 0; font-weight: 600; font-size: 1.05rem; }
.econ .table-scroll { overflow-x: auto; max-width: 100%; }
.econ .rag-green { color: #00734f; font-weight: 600; }
.econ .rag-amber { color: #a36a00; font-weight: 600; }
.econ .rag-red { color: #b23c00; font-weight: 600; }
.econ .error { color: #a12b1d; }
.econ svg.chart { max-width: 100%; height: auto; display: block; margin: 0.5rem 0; }
`;

function money(v: number | null | undefined, cur = ""): string {
  if (v === null || v === undefined) return "—";
  return `${fmt(v / M, 4)} M ${cur}`.trim();
}

function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : `${(100 * v).toFixed(1)} %`;
}

function clone(doc: ProjectDoc): ProjectDoc {
  return JSON.parse(JSON.stringify(doc)) as ProjectDoc;
}

function showError(el: HTMLElement, err: unknown): void {
  el.hidden = false;
  el.textContent = err instanceof Error ? err.message : String(err);
}

function fact(key: string, label: string, shown: string, value: number | null | undefined): HTMLElement {
  return h("div", { class: "fact" },
    h("dt", {}, label),
    h("dd", { "data-key": key, "data-value": value === null || value === undefined ? "" : String(value) }, shown));
}

function headline(ev: Evaluation): HTMLElement {
  const g = ev.government_take;
  return h("dl", { id: "econ-headline", class: "indices econ-facts" },
    fact("npv", `Post-tax NPV @ ${pct(ev.discount_rate)}`, money(ev.npv, ev.currency), ev.npv),
    fact("irr", "Post-tax IRR", ev.irr === null ? `— (${ev.irr_reason})` : pct(ev.irr), ev.irr),
    fact("payback_years", "Payback from production", ev.payback_years === null ? "—" : `${ev.payback_years.toFixed(1)} yr`, ev.payback_years),
    fact("pre_tax_npv", "Pre-tax NPV", money(ev.pre_tax.npv, ev.currency), ev.pre_tax.npv),
    fact("attributable_npv", `Attributable NPV (${pct(ev.attributable.equity_share)})`, money(ev.attributable.npv, ev.currency), ev.attributable.npv),
    fact("breakeven_price", "Break-even price", fmt(ev.breakeven_price), ev.breakeven_price),
    fact("c1", `C1 (${ev.unit_costs.unit})`, fmt(ev.unit_costs.c1_per_unit), ev.unit_costs.c1_per_unit),
    fact("aisc", "AISC", fmt(ev.unit_costs.aisc_per_unit), ev.unit_costs.aisc_per_unit),
    fact("government_share_pv", "Government take (PV)", pct(g.government_share_pv), g.government_share_pv));
}

function cashFlowTable(ev: Evaluation): HTMLElement {
  const rows = ev.cash_flow;
  const years = rows.map((r) => String(r.calendar_year ?? r.year));
  return h("div", { class: "table-scroll" }, h("table", { class: "stats compact", id: "cashflow-table" },
    h("caption", {}, `Annual cash flow, million ${ev.currency} (production in ${ev.product})`),
    h("thead", {}, h("tr", {}, h("th", {}, ""), years.map((y) => h("th", {}, y)))),
    h("tbody", {}, CF_ROWS.map((key) => h("tr", { "data-row": key },
      h("th", {}, key.replace(/_/g, " ")),
      rows.map((r) => {
        const v = Number(r[key]);
        return h("td", { "data-value": String(r[key]) }, key === "production" ? fmt(v) : fmt(v / M, 4));
      }))))));
}

function esgPanel(items: ChecklistItem[], result: HTMLElement): HTMLElement {
  const reviewer = h("input", { id: "esg-reviewer", type: "text", placeholder: "Reviewer" });
  const rows = items.map((it) => h("tr", { "data-item": it.item_id },
    h("td", {}, it.item_id, it.red_flag ? h("span", { class: "muted" }, " (red flag)") : null),
    h("td", {}, h("span", { title: it.question }, it.topic)),
    h("td", {}, h("select", { class: "esg-status", "data-item": it.item_id },
      ["not_assessed", "green", "amber", "red"].map((s) => h("option", { value: s }, s)))),
    h("td", {}, h("input", { class: "esg-evidence", "data-item": it.item_id, type: "text", placeholder: "Evidence seen" }))));
  const run = async (): Promise<void> => {
    const body: { reviewer: string; reviewed: string; items: Record<string, { status: string; evidence: string }> } = {
      reviewer: reviewer.value, reviewed: new Date().toISOString().slice(0, 10), items: {},
    };
    for (const it of items) {
      const status = (document.querySelector(`select.esg-status[data-item='${it.item_id}']`) as HTMLSelectElement).value;
      const evidence = (document.querySelector(`input.esg-evidence[data-item='${it.item_id}']`) as HTMLInputElement).value;
      if (status !== "not_assessed") body.items[it.item_id] = { status, evidence };
    }
    try {
      const r = await econApi.esg(body);
      result.className = `rag-${r.rating}`;
      result.dataset.rating = r.rating;
      result.textContent = `Rating ${r.rating}; score ${r.score === null ? "—" : r.score.toFixed(2)} over ${r.assessed} of ${r.total} items` +
        (r.red_flags.length ? `; red flags: ${r.red_flags.join(", ")}` : "");
    } catch (err) {
      result.className = "error";
      result.textContent = err instanceof Error ? err.message : String(err);
    }
  };
  return h("div", {},
    h("p", { class: "muted" }, "IRMA principles, IFC Performance Standards 1–8, GISTM and the OECD Annex II red flags. " +
      "A red OECD red flag makes the whole screen red. Rated items need the evidence seen and a reviewer."),
    reviewer,
    h("table", { class: "stats compact", id: "esg-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "Item"), h("th", {}, "Topic"), h("th", {}, "Status"), h("th", {}, "Evidence"))),
      h("tbody", {}, rows)),
    h("button", { id: "esg-score", type: "button", onclick: () => void run() }, "Score the screen"),
    result);
}

export const economicsPage: Page = {
  id: "economics",
  title: "Economics",
  path: "/economics",
  async render(container: HTMLElement): Promise<void> {
    let doc: ProjectDoc | null = null;
    let examples: Example[] = [];
    const error = h("p", { class: "error", id: "econ-error", hidden: true });
    const select = h("select", { id: "econ-example" }, h("option", { value: "" }, "— choose an example —"));
    const text = h("textarea", { id: "econ-text", rows: 8, cols: 60, placeholder: "Paste a project file (TOML) here" });
    const format = h("select", { id: "econ-format" }, ["toml", "json", "yaml"].map((f) => h("option", { value: f }, f)));
    const file = h("input", { id: "econ-file", type: "file", accept: ".toml,.json,.yaml,.yml" });
    const inputs = FIELDS.map((f) => h("input", { id: f.id, type: "number", step: "any", "data-section": f.section, "data-key": f.key }));
    const projectName = h("p", { id: "econ-project-name", class: "muted" }, "No project loaded.");
    const results = h("section", { id: "econ-results" });
    const riskOut = h("div", { id: "econ-risk-out" });
    const supplyOut = h("div", { id: "econ-supply-out" });
    const compareOut = h("div", { id: "econ-compare-out" });
    const stored = h("ul", { id: "econ-stored" });
    const esgResult = h("p", { id: "esg-result" });
    const draws = h("input", { id: "mc-draws", type: "number", value: "10000", min: "100", max: "200000" });
    const seed = h("input", { id: "mc-seed", type: "number", value: "1", min: "0" });

    const fillForm = (): void => {
      FIELDS.forEach((f, i) => {
        const v = doc?.[f.section]?.[f.key];
        inputs[i].value = typeof v === "number" ? String(v) : "";
        inputs[i].disabled = doc === null || (f.section === "price" && doc.price?.deck !== undefined);
      });
      projectName.textContent = doc ? String(doc.project?.name ?? "project") : "No project loaded.";
    };
    const fromForm = (): ProjectDoc => {
      if (doc === null) throw new Error("load a project first (an example, a pasted file or an uploaded file)");
      const d = clone(doc);
      FIELDS.forEach((f, i) => {
        if (inputs[i].disabled || inputs[i].value === "") return;
        d[f.section] = { ...(d[f.section] ?? {}), [f.key]: Number(inputs[i].value) };
      });
      return d;
    };
    const evaluate = async (): Promise<void> => {
      error.hidden = true;
      try {
        const d = fromForm();
        const ev = await econApi.evaluate(d);
        results.replaceChildren(
          h("h2", {}, ev.project),
          headline(ev),
          h("p", { class: "muted", id: "econ-warnings" }, ev.warnings.join("; ")),
          cashFlowChart(ev.cash_flow, ev.currency),
          cashFlowTable(ev),
          h("p", { class: "muted" }, `inputs sha256 ${ev.provenance.inputs_sha256.slice(0, 16)} · critmin ${ev.provenance.version}`));
        results.dataset.loaded = ev.provenance.inputs_sha256;
      } catch (err) {
        showError(error, err);
      }
    };
    const loadText = async (body: string): Promise<void> => {
      error.hidden = true;
      try {
        const parsed = await econApi.parse(body, format.value);
        doc = parsed.project;
        fillForm();
        await evaluate();
      } catch (err) {
        showError(error, err);
      }
    };
    const runRisk = async (): Promise<void> => {
      error.hidden = true;
      try {
        const d = fromForm();
        const cur = String(d.project?.currency ?? "");
        const [sens, mc] = await Promise.all([econApi.sensitivity(d, 0.2), econApi.montecarlo(d, Number(draws.value), Number(seed.value))]);
        const sm = mc.summary;
        riskOut.replaceChildren(
          tornadoChart(sens, cur),
          mcHistogram(mc, cur),
          h("dl", { id: "mc-summary", class: "indices econ-facts" },
            fact("p90", "P90", money(sm.p90, cur), sm.p90), fact("p50", "P50", money(sm.p50, cur), sm.p50),
            fact("p10", "P10", money(sm.p10, cur), sm.p10), fact("prob_negative", "P(NPV < 0)", pct(sm.prob_negative), sm.prob_negative)),
          h("p", { class: "muted" }, `${Number(draws.value).toLocaleString("en-GB")} draws, seed ${mc.provenance.seed}. ` +
            "P90 is exceeded with 90 % probability. Price lognormal, costs and grade × recovery triangular, delay discrete, Gaussian copula."));
        riskOut.dataset.loaded = "1";
      } catch (err) {
        showError(error, err);
      }
    };
    const runSupply = async (): Promise<void> => {
      error.hidden = true;
      try {
        const sch = await econApi.schedule(fromForm());
        const div = await econApi.diversify(sch.rows);
        const rows = div.results;
        supplyOut.replaceChildren(h("table", { class: "stats compact", id: "supply-table" },
          h("caption", {}, "Adding the project's output to world supply (critmin.supply): concentration before → after"),
          h("thead", {}, h("tr", {}, ["Year", "Added (t)", "Project share", "HHI before", "HHI after", "Partner", "Partner risk before", "after"].map((c) => h("th", {}, c)))),
          h("tbody", {}, rows.map((r) => h("tr", { "data-year": String(r.year) },
            h("td", {}, String(r.year)), h("td", {}, fmt(Number(r.added))), h("td", {}, pct(Number(r.project_share))),
            h("td", { "data-value": String(r.hhi_before) }, fmt(Number(r.hhi_before))),
            h("td", { "data-value": String(r.hhi_after) }, fmt(Number(r.hhi_after))),
            h("td", {}, String(r.partner ?? "—")),
            h("td", {}, r.partner_risk_before === null ? "—" : fmt(Number(r.partner_risk_before))),
            h("td", {}, r.partner_risk_after === null ? "—" : fmt(Number(r.partner_risk_after))))))));
      } catch (err) {
        showError(error, err);
      }
    };
    const refreshStored = async (): Promise<void> => {
      const list = await econApi.projects();
      stored.replaceChildren(...list.items.map((p) => h("li", { "data-project-id": String(p.id) },
        h("label", {}, h("input", { type: "checkbox", class: "econ-pick", value: String(p.id) }),
          ` ${p.name} — NPV ${money(p.npv, p.currency)}, IRR ${pct(p.irr)}`))));
    };
    const save = async (): Promise<void> => {
      error.hidden = true;
      try {
        await econApi.store(fromForm());
        await refreshStored();
      } catch (err) {
        showError(error, err);
      }
    };
    const compare = async (): Promise<void> => {
      error.hidden = true;
      const ids = Array.from(document.querySelectorAll<HTMLInputElement>("input.econ-pick:checked")).map((c) => Number(c.value));
      try {
        const cmp = await econApi.compare(ids);
        compareOut.replaceChildren(h("table", { class: "stats compact", id: "compare-table" },
          h("thead", {}, h("tr", {}, ["Project", "NPV", "IRR", "Payback (yr)", "Break-even price", "Attributable NPV"].map((c) => h("th", {}, c)))),
          h("tbody", {}, cmp.table.map((r) => h("tr", { "data-project-id": String(r.id) },
            h("td", {}, r.name), h("td", { "data-value": String(r.npv) }, money(r.npv, r.currency)), h("td", {}, pct(r.irr)),
            h("td", {}, r.payback_years === null ? "—" : r.payback_years.toFixed(1)), h("td", {}, fmt(r.breakeven_price)),
            h("td", {}, money(r.attributable_npv, r.currency)))))));
      } catch (err) {
        showError(error, err);
      }
    };

    select.addEventListener("change", () => {
      const ex = examples.find((e) => e.file === select.value);
      if (!ex) return;
      doc = clone(ex.project);
      text.value = ex.text;
      format.value = "toml";
      fillForm();
      void evaluate();
    });
    file.addEventListener("change", () => {
      const f = file.files?.[0];
      if (!f) return;
      const name = f.name.toLowerCase();
      format.value = name.endsWith(".json") ? "json" : name.endsWith(".yaml") || name.endsWith(".yml") ? "yaml" : "toml";
      void f.text().then((t) => {
        text.value = t;
        return loadText(t);
      });
    });

    container.append(h("style", {}, CSS), h("div", { class: "econ" },
      h("h1", {}, "Project economics"),
      h("p", {}, "Discounted cash flow under the host country's fiscal terms, value attributable to a co-investor, " +
        "risk, a responsible-sourcing screen and the supply impact. Results of the bundled examples are reconstructions of " +
        "published studies from their headline figures (see the assumptions in each file)."),
      h("section", { id: "econ-inputs" },
        h("h2", {}, "Project"),
        h("label", {}, "Example ", select),
        h("details", {}, h("summary", {}, "Paste or upload a project file"),
          text, h("div", {}, format, file,
            h("button", { id: "econ-load-text", type: "button", onclick: () => void loadText(text.value) }, "Use this file"))),
        projectName,
        h("div", { class: "econ-form" }, FIELDS.map((f, i) => h("label", {}, `${f.label} (${f.unit}) `, inputs[i]))),
        h("button", { id: "econ-evaluate", type: "button", onclick: () => void evaluate() }, "Evaluate"),
        error),
      results,
      h("section", { id: "econ-risk" }, h("h2", {}, "Risk"),
        h("label", {}, "Draws ", draws), h("label", {}, " Seed ", seed),
        h("button", { id: "econ-risk-run", type: "button", onclick: () => void runRisk() }, "Tornado and Monte Carlo"),
        riskOut),
      h("section", { id: "econ-esg" }, h("h2", {}, "Responsible-sourcing screen"), h("div", { id: "esg-panel" })),
      h("section", { id: "econ-supply" }, h("h2", {}, "Supply impact"),
        h("p", { class: "muted" }, "Needs [project] country, first_year, commodity, stage and basis (the bundled examples have them)."),
        h("button", { id: "supply-run", type: "button", onclick: () => void runSupply() }, "Add the project to world supply"),
        supplyOut),
      h("section", { id: "econ-compare" }, h("h2", {}, "Compare projects"),
        h("button", { id: "econ-save", type: "button", onclick: () => void save() }, "Store this project (public)"),
        stored,
        h("button", { id: "econ-compare-btn", type: "button", onclick: () => void compare() }, "Compare the ticked projects"),
        compareOut)));
    fillForm();
    try {
      const [ex, items] = await Promise.all([econApi.examples(), econApi.checklist()]);
      examples = ex;
      select.append(...ex.map((e) => h("option", { value: e.file }, String(e.project.project?.name ?? e.file))));
      container.querySelector("#esg-panel")?.replaceWith(esgPanel(items, esgResult));
      await refreshStored();
      select.dataset.ready = "1";
    } catch (err) {
      showError(error, err);
    }
  },
};
