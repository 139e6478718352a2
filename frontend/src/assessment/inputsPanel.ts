// The input form of the assessment page: grade–tonnage model (CSV upload or knowledge base), deposit-number
// estimates (expert CSV or Mark3 levels), pdf choices, truncation, trials and seed.
import { ApiError, assessmentApi, type Facets, type GtInput, type PdfChoice, type PmfInput } from "../api";
import { fmt, h } from "../dom";
import { readEstimatesCsv, readGtCsv, type GtTable } from "./csvFiles";

export const DEFAULT_TRIALS = 20_000;
export const MAX_TRIALS = 1_000_000;

export interface RunInputs {
  gt: GtInput;
  pmf: PmfInput;
  tonnage_pdf: PdfChoice;
  grade_pdf: PdfChoice;
  truncate: boolean;
  trials: number;
  seed: number | null;
}

export class InputProblem extends Error {}

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), control, hint ? h("small", { class: "muted" }, hint) : null);
}

function radio(name: string, value: string, label: string, checked: boolean): HTMLElement {
  return h("label", { class: "check" }, h("input", { type: "radio", name, value, checked, id: `${name}-${value}` }), label);
}

function readFile(input: HTMLInputElement): Promise<{ name: string; text: string } | null> {
  const file = input.files?.[0];
  if (!file) return Promise.resolve(null);
  return file.text().then((text) => ({ name: file.name, text }));
}

function gtSummaryText(table: GtTable): string {
  const ores = table.deposits.map((d) => d.ore_t).sort((a, b) => a - b);
  const median = ores[Math.floor((ores.length - 1) / 2)] / 2 + ores[Math.ceil((ores.length - 1) / 2)] / 2;
  return `${table.deposits.length} deposits · ${table.elements.join(", ") || "tonnage only"} · median ore ${fmt(median / 1e6)} Mt`;
}

/** Build the input form; `collect()` returns the request parts or throws InputProblem with a message for the user. */
export function inputsPanel(facets: Facets | null): { element: HTMLElement; collect(): RunInputs } {
  // --- grade–tonnage model
  let gtCsv: { name: string; text: string } | null = null;
  let kbQuery: { commodity: string[]; deposit_type: string | null } | null = null;
  const gtFile = h("input", { type: "file", accept: ".csv,text/csv", id: "gt-file" });
  const gtStatus = h("div", { class: "input-status muted small", id: "gt-summary", "aria-live": "polite" }, "No file chosen.");
  const kbCommodity = h("input", { type: "text", id: "kb-commodity", placeholder: "e.g. Cu,Au", autocomplete: "off" });
  const kbType = h(
    "select",
    { id: "kb-deposit-type" },
    h("option", { value: "" }, "Any deposit type"),
    (facets?.deposit_types ?? []).map((t) => h("option", { value: t.value }, `${t.value} (${t.count})`)),
  );
  const kbLoad = h("button", { type: "button", class: "button secondary", id: "kb-load" }, "Build GT table");
  const kbStatus = h("div", { class: "input-status muted small", id: "kb-summary", "aria-live": "polite" });
  const gtUpload = h("div", { class: "sub", "data-gt": "csv" }, field("MapMark4 GT file (CSV)", gtFile, "ID, Name, ore tonnage (t), one grade column (%) per element"), gtStatus);
  const gtKb = h(
    "div",
    { class: "sub", "data-gt": "kb", hidden: true },
    field("Commodities (element symbols)", kbCommodity),
    field("Deposit type", kbType),
    kbLoad,
    kbStatus,
  );
  const gtMode = () => (element.querySelector<HTMLInputElement>("input[name=gt-source]:checked")?.value ?? "csv");

  gtFile.addEventListener("change", async () => {
    gtCsv = await readFile(gtFile);
    gtStatus.classList.remove("error-text");
    if (!gtCsv) {
      gtStatus.textContent = "No file chosen.";
      return;
    }
    try {
      gtStatus.textContent = `${gtCsv.name}: ${gtSummaryText(readGtCsv(gtCsv.text, gtCsv.name))}`;
    } catch (error) {
      gtStatus.textContent = String((error as Error).message);
      gtStatus.classList.add("error-text");
      gtCsv = null;
    }
  });
  kbLoad.addEventListener("click", async () => {
    const commodity = kbCommodity.value.split(/[\s,;]+/).filter(Boolean);
    kbQuery = null;
    kbStatus.classList.remove("error-text");
    if (!commodity.length) {
      kbStatus.textContent = "Give at least one element symbol, e.g. Cu.";
      kbStatus.classList.add("error-text");
      return;
    }
    kbStatus.textContent = "Querying the knowledge base…";
    try {
      const query = { commodity, deposit_type: kbType.value || null };
      const table = await assessmentApi.gtFromKb(query);
      kbQuery = query;
      kbStatus.textContent =
        `${table.deposits.length} sites with ore tonnage · ${table.elements.join(", ")}` +
        (table.dropped.length ? ` · ${table.dropped.length} dropped (no tonnage or grade)` : "") +
        (table.warnings.length ? ` · ${table.warnings.join("; ")}` : "");
    } catch (error) {
      kbStatus.textContent = error instanceof ApiError ? error.message.replace(/^.*? — /, "") : String(error);
      kbStatus.classList.add("error-text");
    }
  });

  // --- deposit-number estimates
  let estCsv: { name: string; text: string } | null = null;
  const estFile = h("input", { type: "file", accept: ".csv,text/csv", id: "est-file" });
  const estStatus = h("div", { class: "input-status muted small", id: "est-summary", "aria-live": "polite" }, "No file chosen.");
  const mark3 = h("input", { type: "text", id: "mark3", placeholder: "N90,N50,N10 e.g. 1,2,4", autocomplete: "off" });
  const estUpload = h("div", { class: "sub", "data-pmf": "estimates" }, field("Expert estimates (CSV)", estFile, "Name, Weight, N90, N50, N10 — fitted with MapMark4's negative binomial"), estStatus);
  const estMark3 = h(
    "div",
    { class: "sub", "data-pmf": "mark3", hidden: true },
    field("Mark3 levels", mark3, "Whole numbers of deposits at 90 %, 50 %, 10 % [, 5 %, 1 % …] probability (3, 5, 7 or 9 levels)"),
  );
  const pmfMode = () => (element.querySelector<HTMLInputElement>("input[name=pmf-source]:checked")?.value ?? "estimates");
  estFile.addEventListener("change", async () => {
    estCsv = await readFile(estFile);
    estStatus.classList.remove("error-text");
    if (!estCsv) {
      estStatus.textContent = "No file chosen.";
      return;
    }
    try {
      const rows = readEstimatesCsv(estCsv.text, estCsv.name);
      estStatus.textContent = `${estCsv.name}: ${rows.length} expert${rows.length === 1 ? "" : "s"}; N50 ${rows.map((r) => r.n50).join(", ")}`;
    } catch (error) {
      estStatus.textContent = String((error as Error).message);
      estStatus.classList.add("error-text");
      estCsv = null;
    }
  });

  // --- options
  const pdfSelect = (id: string) =>
    h("select", { id }, h("option", { value: "normal" }, "Normal"), h("option", { value: "kde" }, "KDE"));
  const tonnagePdf = pdfSelect("tonnage-pdf");
  const gradePdf = pdfSelect("grade-pdf");
  const truncate = h("input", { type: "checkbox", id: "truncate" });
  const trials = h("input", { type: "number", id: "trials", min: 1, max: MAX_TRIALS, step: 1, value: DEFAULT_TRIALS });
  const seed = h("input", { type: "number", id: "seed", min: 0, step: 1, placeholder: "random" });

  const element = h(
    "div",
    { class: "assess-inputs" },
    h(
      "section",
      { class: "panel-section", "aria-labelledby": "gt-head" },
      h("h3", { id: "gt-head" }, "Grade–tonnage model"),
      h("div", { class: "radios", role: "radiogroup" }, radio("gt-source", "csv", "Upload CSV", true), radio("gt-source", "kb", "Knowledge base", false)),
      gtUpload,
      gtKb,
    ),
    h(
      "section",
      { class: "panel-section", "aria-labelledby": "pmf-head" },
      h("h3", { id: "pmf-head" }, "Number of undiscovered deposits"),
      h("div", { class: "radios", role: "radiogroup" }, radio("pmf-source", "estimates", "Expert estimates", true), radio("pmf-source", "mark3", "Mark3 levels", false)),
      estUpload,
      estMark3,
    ),
    h(
      "section",
      { class: "panel-section", "aria-labelledby": "opt-head" },
      h("h3", { id: "opt-head" }, "Simulation"),
      h("div", { class: "two-col" }, field("Tonnage pdf", tonnagePdf, "lognormal or KDE"), field("Grade pdf", gradePdf, "ilr normal or KDE")),
      h("label", { class: "check" }, truncate, "Truncate pdfs to the observed ranges"),
      h("div", { class: "two-col" }, field("Trials", trials), field("Seed", seed)),
    ),
  );
  element.addEventListener("change", (e) => {
    const target = e.target as HTMLInputElement;
    if (target.name === "gt-source") {
      gtUpload.hidden = target.value !== "csv";
      gtKb.hidden = target.value !== "kb";
    } else if (target.name === "pmf-source") {
      estUpload.hidden = target.value !== "estimates";
      estMark3.hidden = target.value !== "mark3";
    }
  });

  function collect(): RunInputs {
    let gt: GtInput;
    if (gtMode() === "kb") {
      if (!kbQuery) throw new InputProblem("Build the GT table from the knowledge base first (commodities, then “Build GT table”).");
      gt = { from_kb: kbQuery };
    } else {
      if (!gtCsv) throw new InputProblem("Choose a grade–tonnage CSV file.");
      gt = { csv: gtCsv.text };
    }
    let pmf: PmfInput;
    if (pmfMode() === "mark3") {
      const levels = mark3.value.split(/[\s,;]+/).filter(Boolean).map(Number);
      if (![3, 5, 7, 9].includes(levels.length) || levels.some((v) => !Number.isInteger(v) || v < 0))
        throw new InputProblem(`Mark3 levels: give 3, 5, 7 or 9 whole numbers ≥ 0 (N90,N50,N10…); given “${mark3.value}”.`);
      pmf = { mark3: levels };
    } else {
      if (!estCsv) throw new InputProblem("Choose an expert-estimates CSV file (Name,Weight,N90,N50,N10).");
      pmf = { estimates_csv: estCsv.text };
    }
    const nTrials = Number(trials.value);
    if (!Number.isInteger(nTrials) || nTrials < 1 || nTrials > MAX_TRIALS)
      throw new InputProblem(`Trials: a whole number from 1 to ${MAX_TRIALS.toLocaleString("en-GB")}; given “${trials.value}”.`);
    const seedValue = seed.value.trim() === "" ? null : Number(seed.value);
    if (seedValue !== null && (!Number.isInteger(seedValue) || seedValue < 0))
      throw new InputProblem(`Seed: a whole number ≥ 0, or empty for a random seed; given “${seed.value}”.`);
    return {
      gt,
      pmf,
      tonnage_pdf: tonnagePdf.value as PdfChoice,
      grade_pdf: gradePdf.value as PdfChoice,
      truncate: truncate.checked,
      trials: nTrials,
      seed: seedValue,
    };
  }

  return { element, collect };
}
