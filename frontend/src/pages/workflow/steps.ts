// The inputs of the five steps in the side panel, prefilled from the example's document; `overrides()` turns
// them into the request's overrides. Nothing is validated here: the service checks every value and names the
// offending key in its 400 answer, which the page shows as it is.
import { h } from "../../dom";
import type { RunOverrides, StepKey, WorkflowDocument } from "./api";

export const STEP_TITLES: Record<StepKey, string> = {
  tract: "Tract",
  resource: "Undiscovered resource",
  economic_filter: "Economic filter",
  project: "Project",
  supply: "Supply impact",
};

const DEPOSIT_NUMBER_METHODS: Record<string, string> = {
  deposit_density: "deposit density (Singer & Menzie 2010) from the tract area",
  negative_binomial: "negative binomial fitted to expert estimates",
  mark3: "Mark3 from expert N90/N50/N10",
  pmf: "a given probability mass function",
};

function numberInput(id: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
  return h("input", { type: "number", id, ...attrs });
}

function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), input, hint ? h("small", { class: "muted" }, hint) : null);
}

function readOnly(rows: [string, string | number | null | undefined, string?][]): HTMLElement {
  return h(
    "dl",
    { class: "kv small wf-readonly" },
    rows.flatMap(([k, v, id]) => [h("dt", {}, k), h("dd", id ? { id } : {}, v === null || v === undefined || v === "" ? "—" : String(v))]),
  );
}

/** The value of a number input, or undefined when it is empty (the example's value then stands). */
function value(input: HTMLInputElement): number | undefined {
  if (input.value.trim() === "") return undefined;
  const v = Number(input.value);
  return Number.isFinite(v) ? v : undefined;
}

function set(input: HTMLInputElement, v: number | undefined): void {
  input.value = v === undefined || v === null ? "" : String(v);
}

export function stepHeader(key: StepKey, n: number): HTMLElement {
  return h("h3", { class: "wf-step-title" }, h("span", { class: "wf-step-number" }, String(n)), ` ${STEP_TITLES[key]}`);
}

export class StepInputs {
  readonly trials = numberInput("wf-trials", { min: 1, max: 100000, step: 1000 });
  readonly ndpr = numberInput("wf-ndpr", { min: 0, max: 1, step: 0.01 });
  readonly price = numberInput("wf-price", { min: 0, step: 500 });
  readonly recovery = numberInput("wf-recovery", { min: 0, max: 1, step: 0.01 });
  readonly mcDraws = numberInput("wf-mc-draws", { min: 1, max: 100000, step: 1000 });
  readonly demand = numberInput("wf-demand", { min: 0, step: 500 });
  readonly importShare = numberInput("wf-import-share", { min: 0, max: 1, step: 0.05 });
  readonly seed = numberInput("wf-seed", { min: 0, step: 1 });
  readonly draws = numberInput("wf-draws", { min: 1, max: 20000, step: 500 });
  private readonly resourceInfo = h("div", { id: "wf-resource-info" });
  private readonly economicInfo = h("div", { id: "wf-economic-info" });
  private readonly projectInfo = h("div", { id: "wf-project-info" });
  private readonly supplyInfo = h("div", { id: "wf-supply-info" });
  private readonly runInfo = h("div", { id: "wf-run-info" });
  private grade = "TREO";

  /** The side-panel sections of steps 2–5 and the run settings (step 1, the tract, is built by the page). */
  sections(): Record<Exclude<StepKey, "tract"> | "run", HTMLElement> {
    return {
      resource: h("section", { class: "panel-section wf-step", id: "wf-input-resource" }, stepHeader("resource", 2),
        this.resourceInfo,
        h("div", { class: "two-col" },
          field("Trials", this.trials, "Monte Carlo trials of the simulation"),
          field("NdPr fraction", this.ndpr, "share of the basis that is NdPr oxide"))),
      economic_filter: h("section", { class: "panel-section wf-step", id: "wf-input-economic_filter" }, stepHeader("economic_filter", 3),
        h("div", { class: "two-col" },
          field("Price (US$/t)", this.price, "of the grade element"),
          field("Mill recovery", this.recovery, "0–1")),
        this.economicInfo),
      project: h("section", { class: "panel-section wf-step", id: "wf-input-project" }, stepHeader("project", 4),
        this.projectInfo,
        field("Monte Carlo draws", this.mcDraws, "price, cost, output and delay risk of the project")),
      supply: h("section", { class: "panel-section wf-step", id: "wf-input-supply" }, stepHeader("supply", 5),
        this.supplyInfo,
        h("div", { class: "two-col" },
          field("Partner demand (t/yr)", this.demand),
          field("Import share", this.importShare, "of the demand from the restricted countries (0–1)"))),
      run: h("section", { class: "panel-section", id: "wf-input-run" }, h("h3", {}, "Run settings"),
        h("div", { class: "two-col" }, field("Seed", this.seed), field("Supply draws", this.draws)),
        this.runInfo),
    };
  }

  /** Prefill every input and read-only summary from a workflow document. */
  fill(doc: WorkflowDocument): void {
    const r = doc.resource ?? {};
    const e = doc.economic_filter ?? {};
    const p = doc.project ?? {};
    const sp = doc.supply ?? {};
    const w = doc.workflow ?? {};
    this.grade = r.grade ?? "TREO";
    set(this.trials, r.trials);
    set(this.ndpr, r.ndpr_fraction);
    set(this.price, e.prices_usd_per_t?.[this.grade]);
    set(this.recovery, e.mill_recoveries?.[this.grade]);
    set(this.mcDraws, p.montecarlo_draws);
    set(this.demand, sp.demand_t);
    set(this.importShare, sp.disruption?.import_share);
    set(this.seed, w.seed);
    set(this.draws, w.draws);
    const dn = r.deposit_number ?? {};
    this.resourceInfo.replaceChildren(readOnly([
      ["Grade–tonnage model", r.gt],
      ["Basis", this.grade],
      ["Deposit number", `${dn.method ?? "—"}${dn.model ? ` (${dn.model} model)` : ""}`, "wf-dn-method"],
      ["", DEPOSIT_NUMBER_METHODS[dn.method ?? ""] ?? ""],
    ]), r.ndpr_source ? h("p", { class: "small muted" }, `NdPr fraction: ${r.ndpr_source}`) : "");
    this.economicInfo.replaceChildren(readOnly([["Mill", e.mill], ["Deposit geometry", e.geometry]]));
    this.projectInfo.replaceChildren(
      h("p", { class: "small muted" }, "A template project, scaled to the representative simulated economic deposit (read-only):"),
      readOnly([
        ["Template", p.template, "wf-project-template"],
        ["Representative", p.representative],
        ["Recovery to product", p.recovery],
        ["Capex exponent", p.capex_exponent],
        ["Max annual output", p.max_annual_output === undefined ? undefined : `${p.max_annual_output.toLocaleString("en-GB")} t/yr`],
      ]));
    const d = sp.disruption ?? {};
    this.supplyInfo.replaceChildren(readOnly([
      ["Commodity", `${sp.commodity ?? "—"} (${sp.basis ?? "—"})`],
      ["Stages", (sp.stages ?? []).join(", ")],
      ["Partner", sp.partner],
      ["Disruption", `${(d.countries ?? []).join(", ") || "—"} restrict ${d.fraction === undefined ? "—" : `${Math.round(100 * d.fraction)} %`}`],
    ]), sp.demand_source || d.import_share_source
      ? h("p", { class: "small muted" }, [sp.demand_source ? `Demand: ${sp.demand_source}.` : "", d.import_share_source ? ` Import share: ${d.import_share_source}.` : ""].join(""))
      : "");
    this.runInfo.replaceChildren(readOnly([["Horizon", w.horizon_years === undefined ? undefined : `${w.horizon_years} years`]]));
  }

  /** The overrides of the inputs (empty inputs are left out: the example's value stands). */
  overrides(): RunOverrides {
    const o: RunOverrides = { workflow: {}, resource: {}, economic_filter: {}, project: {}, supply: {} };
    const put = (sec: Record<string, unknown>, key: string, v: number | undefined) => {
      if (v !== undefined) sec[key] = v;
    };
    put(o.workflow!, "seed", value(this.seed));
    put(o.workflow!, "draws", value(this.draws));
    put(o.resource!, "trials", value(this.trials));
    put(o.resource!, "ndpr_fraction", value(this.ndpr));
    const price = value(this.price);
    if (price !== undefined) o.economic_filter!.prices_usd_per_t = { [this.grade]: price };
    const rec = value(this.recovery);
    if (rec !== undefined) o.economic_filter!.mill_recoveries = { [this.grade]: rec };
    put(o.project!, "montecarlo_draws", value(this.mcDraws));
    put(o.supply!, "demand_t", value(this.demand));
    const share = value(this.importShare);
    if (share !== undefined) o.supply!.disruption = { import_share: share };
    for (const k of Object.keys(o) as (keyof RunOverrides)[]) if (!Object.keys(o[k]!).length) delete o[k];
    return o;
  }
}
