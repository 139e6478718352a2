// "Geochemistry" page: upload an assay file (CSV/TSV/XLSX; a unit for columns without a unit suffix), pick a
// dataset and a normaliser, read the per-sample REE metrics (sortable; CSV download), the normalised REE diagram
// of the ticked samples, the samples on the map coloured by a chosen metric (when the file has coordinates) and
// the QA/QC summary (batches, CRM bias, control chart). Route: #/geochem?dataset=3&normalise=chondrite-…
import { ApiError, geochemApi, type AssayUnit, type GeochemDataset, type GeochemMetrics, type GeochemReferences, type Visibility } from "../api";
import { api } from "../api";
import { h, text } from "../dom";
import { datasetList } from "../geochem/datasetList";
import { METRIC_COLUMNS, metricsTable } from "../geochem/metricsTable";
import { qaqcView } from "../geochem/qaqcView";
import { reeDiagram } from "../geochem/reeDiagram";
import { SampleMap } from "../geochem/sampleMap";
import type { Page, PageContext } from "./types";

const MAX_DIAGRAM_SAMPLES = 20;
const DEFAULT_DIAGRAM_SAMPLES = 10;

function message(error: unknown): string {
  if (error instanceof ApiError) return error.message.replace(/^.*?HTTP (\d+) — /, "($1) ");
  return String(error instanceof Error ? error.message : error);
}

const isAbort = (error: unknown) => (error as Error)?.name === "AbortError";

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), control, hint ? h("small", { class: "muted" }, hint) : null);
}

/** Label of a metrics column for the map's metric selector and legend. */
function metricLabel(key: string): string {
  const known = METRIC_COLUMNS.find((c) => c.key === key);
  if (known) return known.label;
  return key.replace(/_pct$/, " (%)").replace(/_ppm$/, " (ppm)").replace(/_/g, " ");
}

async function render(container: HTMLElement, context: PageContext): Promise<() => void> {
  const abort = new AbortController();
  const signal = abort.signal;
  const params = new URLSearchParams(context.params);
  let activeId: number | null = params.has("dataset") ? Number(params.get("dataset")) : null;

  // --- sidebar: upload, datasets, normaliser
  const fileInput = h("input", { type: "file", id: "geochem-file", accept: ".csv,.tsv,.txt,.xlsx,text/csv" });
  const unitsSelect = h(
    "select",
    { id: "geochem-units" },
    h("option", { value: "" }, "From the file (column suffix or units row)"),
    (["ppm", "ppb", "pct", "g/t"] as AssayUnit[]).map((u) => h("option", { value: u }, u === "pct" ? "wt % (pct)" : u)),
  );
  const nameInput = h("input", { type: "text", id: "geochem-name", maxlength: 256, placeholder: "Default: the file name" });
  const visSelect = h(
    "select",
    { id: "geochem-visibility" },
    (["public", "partners", "private"] as Visibility[]).map((v) => h("option", { value: v }, v)),
  );
  const uploadBtn = h("button", { type: "button", class: "button primary", id: "geochem-upload" }, "Upload");
  const uploadStatus = h("div", { class: "input-status small", id: "geochem-upload-status", role: "status", "aria-live": "polite" });
  const datasetsHolder = h("div", {}, h("p", { class: "muted small" }, "Loading…"));
  const normSelect = h("select", { id: "normaliser" });
  const normNote = h("div", { class: "muted small", id: "normaliser-citation" });
  const side = h(
    "aside",
    { class: "sidebar assess-side geochem-side" },
    h(
      "section",
      { class: "panel-section" },
      h("h3", {}, "Upload assays"),
      field("Assay file (CSV, TSV or XLSX)", fileInput, "One sample per row; element or oxide columns (La_ppm, CeO2_pct …); <DL strings allowed"),
      field("Units of columns without a unit", unitsSelect),
      h("div", { class: "two-col" }, field("Name", nameInput), field("Visibility", visSelect)),
      uploadBtn,
      uploadStatus,
    ),
    h("section", { class: "panel-section" }, h("h3", {}, "Normaliser"), field("Reference composition", normSelect), normNote),
    h("section", { class: "panel-section" }, h("h3", {}, "Datasets"), datasetsHolder),
  );

  const summary = h("div", { id: "dataset-summary", class: "dataset-summary" });
  const mapSection = h("section", { class: "chart-section", id: "geochem-map-section", hidden: true });
  const metricsSection = h("section", { class: "chart-section", id: "metrics-section", hidden: true });
  const reeSection = h("section", { class: "chart-section", id: "ree-section", hidden: true });
  const qaqcSection = h("section", { class: "chart-section", id: "qaqc-section", hidden: true });
  const hint = h("p", { class: "muted empty-hint", id: "geochem-hint" }, "Upload an assay file or choose a dataset.");
  const mainCol = h("div", { class: "assess-main geochem-main" }, h("div", { class: "assess-results" }, summary, hint, mapSection, metricsSection, reeSection, qaqcSection));
  container.append(h("div", { class: "assess-layout geochem-layout" }, side, mainCol));

  // --- references
  let refs: GeochemReferences = { default: "chondrite-palme-oneill-2014", items: [] };
  try {
    refs = await geochemApi.references(signal);
  } catch (error) {
    if (isAbort(error)) return () => undefined;
    normNote.textContent = `Could not list the reference compositions: ${message(error)}`;
  }
  const wanted = params.get("normalise");
  let normalise = refs.items.some((r) => r.name === wanted) ? (wanted as string) : refs.default;
  normSelect.append(...refs.items.map((r) => h("option", { value: r.name, selected: r.name === normalise }, r.name)));
  const showCitation = () => {
    const ref = refs.items.find((r) => r.name === normalise);
    normNote.replaceChildren(
      ref ? h("span", {}, ref.citation, ref.doi ? h("span", {}, " doi:", h("span", { class: "doi" }, ref.doi)) : null) : "",
      h("div", {}, "λ0–λ3 always use O'Neill's (2016) chondrite, as in the paper."),
    );
  };
  showCitation();

  function writeParams(): void {
    const next = new URLSearchParams();
    if (activeId !== null) next.set("dataset", String(activeId));
    if (normalise !== refs.default) next.set("normalise", normalise);
    context.setParams(next);
  }

  // --- datasets list
  async function refreshDatasets(): Promise<void> {
    try {
      const list = await geochemApi.datasets(100, 0, signal);
      datasetsHolder.replaceChildren(datasetList(list.items, activeId, (id) => void openDataset(id)));
    } catch (error) {
      if (isAbort(error)) return;
      datasetsHolder.replaceChildren(h("div", { class: "error-text small" }, `Could not list datasets: ${message(error)}`));
    }
  }

  // --- one dataset
  let seq = 0;
  let dataset: GeochemDataset | null = null;
  let metrics: GeochemMetrics | null = null;
  let selected: number[] = [];
  let sampleMap: SampleMap | null = null;
  let mapMetric = "treo_ppm";
  let boundaryUrl: string | null = null;

  function destroyMap(): void {
    sampleMap?.destroy();
    sampleMap = null;
  }

  function showSummary(d: GeochemDataset): void {
    const ree = d.ree ?? [];
    summary.replaceChildren(
      h("div", { class: "results-head" }, h("h2", {}, `#${d.id} ${d.name ?? d.filename ?? ""}`), h("span", { class: "muted small" }, `${text(d.organisation)} · ${text(d.visibility)}`)),
      h(
        "p",
        { class: "small" },
        h("strong", { id: "dataset-n-samples", "data-value": d.n_samples ?? "" }, `${(d.n_samples ?? 0).toLocaleString("en-GB")} samples`),
        ` · file ${text(d.filename)} · REE: ${ree.length ? ree.join(" ") : "none"}`,
        d.has_coordinates ? ` · coordinates ${text(d.lon_column)}/${text(d.lat_column)}` : " · no coordinates",
      ),
      ...(d.warnings && d.warnings.length ? [h("ul", { class: "warnings", id: "dataset-warnings" }, d.warnings.map((w) => h("li", {}, w)))] : []),
    );
  }

  async function drawDiagram(mySeq: number): Promise<void> {
    if (!dataset || !metrics) return;
    reeSection.hidden = false;
    const head = h("h3", {}, "REE diagram");
    if (!selected.length) {
      reeSection.replaceChildren(head, h("p", { class: "muted small" }, "Tick samples in the table to draw them."));
      return;
    }
    try {
      const norm = await geochemApi.normalised(dataset.id, normalise, selected, signal);
      if (mySeq !== seq) return;
      const ref = refs.items.find((r) => r.name === norm.normaliser);
      const series = norm.samples.map((smp) => ({ sampleId: smp.label ?? `row ${smp.row + 1}`, values: smp.values }));
      reeSection.replaceChildren(
        head,
        reeDiagram(series, { yLabel: `Sample / ${norm.normaliser}`, id: "ree-diagram" }),
        h("p", { class: "note" }, `Normalised to ${(ref?.citation ?? norm.normaliser).replace(/\.\s*$/, "")}. Pm has no stable isotope and is not analysed: its slot is left empty and the line joins Pr to Nd. Below-detection values are drawn at DL/2.`),
      );
    } catch (error) {
      if (isAbort(error) || mySeq !== seq) return;
      reeSection.replaceChildren(head, h("div", { class: "error-box" }, `Could not load the normalised REE: ${message(error)}`));
    }
  }

  async function drawMap(mySeq: number, fit: boolean): Promise<void> {
    if (!dataset || !dataset.has_coordinates) {
      destroyMap();
      mapSection.hidden = true;
      return;
    }
    try {
      const samples = await geochemApi.samples(dataset.id, mapMetric, normalise, signal);
      if (mySeq !== seq || !sampleMap) return;
      const excluded = samples.excluded ? ` · ${samples.excluded} without valid coordinates not drawn` : "";
      mapSection.querySelector("#map-count")!.textContent = `${samples.features.length.toLocaleString("en-GB")} samples on the map${excluded}`;
      await sampleMap.show(samples, metricLabel(mapMetric), fit);
    } catch (error) {
      if (isAbort(error) || mySeq !== seq) return;
      mapSection.querySelector("#map-count")!.textContent = `Could not load the samples: ${message(error)}`;
    }
  }

  async function setupMap(mySeq: number): Promise<void> {
    destroyMap();
    if (!dataset?.has_coordinates || !metrics) {
      mapSection.hidden = true;
      return;
    }
    if (boundaryUrl === null) boundaryUrl = (await api.uiConfig(signal)).boundary_url;
    if (mySeq !== seq) return;
    const numeric = metrics.numeric_columns.filter((c) => c !== "row" && !(dataset?.id_columns ?? []).includes(c));
    const preferred = METRIC_COLUMNS.map((c) => c.key).filter((k) => numeric.includes(k));
    const rest = numeric.filter((k) => !preferred.includes(k));
    const elements = (dataset.elements ?? []).map((e) => e);
    if (!numeric.includes(mapMetric) && !elements.includes(mapMetric)) mapMetric = preferred[0] ?? numeric[0] ?? "treo_ppm";
    const metricSelect = h(
      "select",
      { id: "map-metric" },
      h("optgroup", { label: "REE metrics" }, preferred.map((k) => h("option", { value: k, selected: k === mapMetric }, metricLabel(k)))),
      rest.length ? h("optgroup", { label: "Other metrics" }, rest.map((k) => h("option", { value: k, selected: k === mapMetric }, k))) : null,
      elements.length ? h("optgroup", { label: "Concentrations (ppm)" }, elements.map((e) => h("option", { value: e, selected: e === mapMetric }, `${e} (ppm)`))) : null,
    );
    const mapEl = h("div", { class: "map", id: "geochem-map" });
    mapSection.replaceChildren(
      h("div", { class: "results-head" }, h("h3", {}, "Samples on the map"), h("label", { class: "field inline-field" }, h("span", {}, "Colour by"), metricSelect)),
      h("div", { class: "geochem-map-wrap" }, mapEl),
      h("div", { class: "muted small", id: "map-count" }),
    );
    mapSection.hidden = false;
    sampleMap = new SampleMap(mapEl, boundaryUrl);
    metricSelect.addEventListener("change", () => {
      mapMetric = metricSelect.value;
      void drawMap(seq, false);
    });
    await drawMap(mySeq, true);
  }

  async function loadMetrics(mySeq: number): Promise<void> {
    if (!dataset) return;
    metricsSection.hidden = false;
    metricsSection.replaceChildren(h("h3", {}, "REE metrics"), h("p", { class: "muted small" }, "Computing…"));
    metrics = await geochemApi.metrics(dataset.id, normalise, signal);
    if (mySeq !== seq) return;
    const kept = new Set(metrics.rows.map((r) => Number(r.row)));
    selected = selected.filter((r) => kept.has(r));
    if (!selected.length) selected = metrics.rows.slice(0, DEFAULT_DIAGRAM_SAMPLES).map((r) => Number(r.row));
    const shown = metrics.rows.length < metrics.total ? ` (first ${metrics.rows.length.toLocaleString("en-GB")} of ${metrics.total.toLocaleString("en-GB")} shown; the CSV has all)` : "";
    const meta = metrics.metadata;
    metricsSection.replaceChildren(
      h(
        "div",
        { class: "results-head" },
        h("h3", {}, "REE metrics"),
        h("a", { href: geochemApi.metricsCsvUrl(dataset.id, normalise), id: "metrics-csv", download: `geochem_${dataset.id}_metrics.csv` }, "Download all metrics (CSV)"),
      ),
      metricsTable(metrics.rows, {
        selected: new Set(selected),
        maxSelected: MAX_DIAGRAM_SAMPLES,
        onSelection: (rows) => {
          selected = rows;
          void drawDiagram(seq);
        },
      }),
      h(
        "p",
        { class: "note", id: "metrics-note" },
        `${metrics.total.toLocaleString("en-GB")} samples${shown}. Normaliser ${metrics.normaliser}; oxide set ${text(meta.oxide_set)}; below-detection cells as ${text(meta.below_detection)} (DL/2), marked †. `,
        "Click a column header to sort; tick samples to draw them on the REE diagram.",
      ),
    );
  }

  async function loadQaqc(mySeq: number): Promise<void> {
    if (!dataset) return;
    qaqcSection.hidden = false;
    const head = h("h3", {}, "QA/QC");
    qaqcSection.replaceChildren(head, h("p", { class: "muted small" }, "Checking reference materials, duplicates and blanks…"));
    try {
      const q = await geochemApi.qaqc(dataset.id, ["crm_points"], signal);
      if (mySeq !== seq) return;
      qaqcSection.replaceChildren(
        head,
        qaqcView({ batches: q.batches, crm: q.crm, crm_points: q.crm_points ?? [], duplicates: q.duplicates, blanks: q.blanks, metadata: q.metadata }),
      );
    } catch (error) {
      if (isAbort(error) || mySeq !== seq) return;
      qaqcSection.replaceChildren(head, h("div", { class: "error-box" }, `Could not compute the QA/QC report: ${message(error)}`));
    }
  }

  /** Metrics, diagram and map for the current dataset and normaliser. */
  async function loadAnalysis(mySeq: number, withMap: boolean): Promise<void> {
    try {
      await loadMetrics(mySeq);
      if (mySeq !== seq) return;
      await Promise.all([drawDiagram(mySeq), withMap ? setupMap(mySeq) : drawMap(mySeq, false)]);
    } catch (error) {
      if (isAbort(error) || mySeq !== seq) return;
      metricsSection.hidden = false;
      metricsSection.replaceChildren(h("h3", {}, "REE metrics"), h("div", { class: "error-box" }, `Could not compute the metrics: ${message(error)}`));
    }
  }

  async function openDataset(id: number): Promise<void> {
    const mySeq = ++seq;
    activeId = id;
    writeParams();
    datasetsHolder.querySelectorAll("li[data-dataset-id]").forEach((li) => li.classList.toggle("active", li.getAttribute("data-dataset-id") === String(id)));
    destroyMap();
    dataset = null;
    metrics = null;
    selected = [];
    for (const sec of [mapSection, metricsSection, reeSection, qaqcSection]) {
      sec.hidden = true;
      sec.replaceChildren();
    }
    mainCol.dataset.datasetId = "";
    try {
      dataset = await geochemApi.dataset(id, signal);
    } catch (error) {
      if (isAbort(error) || mySeq !== seq) return;
      summary.replaceChildren(h("div", { class: "error-box" }, `Could not open dataset ${id}: ${message(error)}`));
      return;
    }
    if (mySeq !== seq) return;
    hint.hidden = true;
    mainCol.dataset.datasetId = String(id);
    showSummary(dataset);
    await Promise.all([loadAnalysis(mySeq, true), loadQaqc(mySeq)]);
    if (mySeq === seq) mainCol.dataset.loaded = String(id);
  }

  normSelect.addEventListener("change", () => {
    normalise = normSelect.value;
    showCitation();
    writeParams();
    if (dataset) {
      const mySeq = ++seq;
      void loadAnalysis(mySeq, false).then(() => {
        if (mySeq === seq && dataset) mainCol.dataset.loaded = String(dataset.id);
      });
    }
  });

  uploadBtn.addEventListener("click", async () => {
    const file = fileInput.files?.[0];
    uploadStatus.classList.remove("error-text", "ok-text");
    if (!file) {
      uploadStatus.textContent = "Choose an assay file first.";
      uploadStatus.classList.add("error-text");
      return;
    }
    uploadBtn.disabled = true;
    uploadStatus.textContent = `Uploading ${file.name} (${(file.size / 1024).toFixed(0)} kB)…`;
    try {
      const created = await geochemApi.upload(
        { file, name: nameInput.value.trim() || undefined, units: unitsSelect.value as AssayUnit | "", visibility: visSelect.value as Visibility },
        signal,
      );
      uploadStatus.textContent = `Stored as dataset #${created.id}: ${(created.n_samples ?? 0).toLocaleString("en-GB")} samples.`;
      uploadStatus.classList.add("ok-text");
      uploadStatus.dataset.datasetId = String(created.id);
      fileInput.value = "";
      nameInput.value = "";
      await refreshDatasets();
      void openDataset(created.id);
    } catch (error) {
      if (isAbort(error)) return;
      uploadStatus.textContent = `The service refused the file: ${message(error)}`;
      uploadStatus.classList.add("error-text");
    } finally {
      uploadBtn.disabled = false;
    }
  });

  await refreshDatasets();
  if (activeId !== null && Number.isInteger(activeId)) void openDataset(activeId);

  return () => {
    abort.abort();
    destroyMap();
  };
}

export const geochemPage: Page = { id: "geochem", title: "Geochemistry", path: "/geochem", render };
