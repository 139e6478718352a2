// "Rock to supply" page: a guided run of the rock-to-supply workflow (/api/workflows) in five steps — (1) the
// permissive tract, drawn on the map over the knowledge-base deposits; (2) the undiscovered resource; (3) the
// economic filter; (4) the project scaled from a template; (5) the supply impact for a partner country. The
// example's document prefills every input; "Run workflow" submits it with the changed values as overrides, polls
// the job (per-step status, "cached" badges) and shows the key numbers, the final "Supply impact with
// uncertainty" chart, the report and run-record links and a re-run check. Reopen a run with #/workflow?run=7.
// All numbers come from the service; the service validates every input (its 400 detail is shown as it is).
import type { GeoJSONSource } from "maplibre-gl";
import type { FeatureCollection } from "geojson";
import { api, type SitesCollection } from "../api";
import type { TractState } from "../assessment/tractDraw";
import { TractMap } from "../assessment/tractMap";
import { h } from "../dom";
import {
  errorText,
  STEP_KEYS,
  type RunOverrides,
  type WorkflowDocument,
  type WorkflowExample,
  type WorkflowRun,
  type WorkflowRunSummary,
  workflowApi,
} from "./workflow/api";
import { ProspectTract } from "./workflow/prospect";
import { areaKm2, resultsView } from "./workflow/results";
import { STEP_TITLES, StepInputs, stepHeader } from "./workflow/steps";
import "./workflow/workflow.css";
import type { Page, PageContext } from "./types";

const POLL_MS = 400;
const MAP_LIMIT = 100_000;
const DRAWN_TRACT_NAME = "Tract drawn on the map";

/** Where the tract comes from: the example's polygon, a finished drawing, a drawing under way, or a drawing
 * "finished" with fewer than three vertices (sent as it is: the service refuses it and says why). */
type TractMode = "example" | "drawn" | "drawing" | "short" | "prospect";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = window.setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      window.clearTimeout(t);
      reject(new DOMException("aborted", "AbortError"));
    });
  });

const isAbort = (error: unknown) => (error as Error)?.name === "AbortError";

function samePolygon(a: [number, number][] | undefined, b: [number, number][] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

async function render(container: HTMLElement, context: PageContext): Promise<() => void> {
  const abort = new AbortController();
  const signal = abort.signal;

  // --- side panel: the example, the five steps, run settings, the run button, previous runs
  const exampleSel = h("select", { id: "wf-example" });
  const exampleTitle = h("p", { class: "small muted", id: "wf-example-title" });
  const drawBtn = h("button", { type: "button", class: "button secondary", id: "wf-draw" }, "Draw tract");
  const finishBtn = h("button", { type: "button", class: "button secondary", id: "wf-finish", disabled: true }, "Finish");
  const resetBtn = h("button", { type: "button", class: "button secondary", id: "wf-reset", disabled: true }, "Example tract");
  const tractStatus = h("div", { class: "input-status small", id: "wf-tract-status", "aria-live": "polite" });
  const tractInfo = h("div", { class: "small muted", id: "wf-tract-info" });
  const prospectHolder = h("div", { id: "wf-prospect" });
  const inputs = new StepInputs();
  const sections = inputs.sections();
  const runBtn = h("button", { type: "button", class: "button primary", id: "wf-run" }, "Run workflow");
  const errorBox = h("div", { class: "error-box small", id: "wf-error", role: "alert", hidden: true });
  const runsList = h("ul", { class: "run-list", id: "wf-runs" }, h("li", { class: "muted small" }, "Loading…"));
  const side = h(
    "aside",
    { class: "sidebar assess-side wf-side" },
    h("div", { class: "wf-intro" },
      h("h2", {}, "Rock to supply"),
      h("p", { class: "small muted" }, "From a permissive tract to the security of supply: undiscovered resource, economic filter, " +
        "a project scaled from a template, and its effect on supply concentration and a partner's import reliance."),
      h("label", { class: "field" }, h("span", {}, "Worked example"), exampleSel),
      exampleTitle),
    h("section", { class: "panel-section wf-step", id: "wf-input-tract" }, stepHeader("tract", 1),
      h("p", { class: "small muted" }, "“Draw tract”, then click on the map to add vertices; double-click or “Finish” closes the polygon."),
      h("div", { class: "button-row wf-tract-buttons" }, drawBtn, finishBtn, resetBtn),
      prospectHolder,
      tractStatus,
      tractInfo),
    sections.resource,
    sections.economic_filter,
    sections.project,
    sections.supply,
    sections.run,
    h("section", { class: "panel-section wf-run-box" }, runBtn, errorBox),
    h("section", { class: "panel-section" }, h("h3", {}, "Previous runs"), runsList),
  );

  // --- main column: map, run panel (progress per step), results
  const mapEl = h("div", { class: "map", id: "wf-map" });
  const note = h("div", { class: "map-note", id: "wf-boundary-note" });
  const runPanel = h("div", { class: "run-panel wf-run-panel", id: "wf-run-panel", hidden: true });
  const resultsHolder = h("div", { id: "wf-results-holder" });
  const mainCol = h(
    "div",
    { class: "assess-main" },
    h("div", { class: "assess-map-wrap" }, mapEl, note),
    runPanel,
    resultsHolder,
    h("p", { class: "muted small empty-hint" }, "Results appear here when a run has finished."),
  );
  container.append(h("div", { class: "assess-layout wf-layout" }, side, mainCol));

  const [config, examples] = await Promise.all([api.uiConfig(signal), workflowApi.examples(signal)]);
  note.textContent = config.boundary_note;
  if (!examples.items.length) {
    errorBox.hidden = false;
    errorBox.textContent = "The service has no bundled workflow example.";
  }
  exampleSel.replaceChildren(...examples.items.map((e) => h("option", { value: e.name }, e.name)));
  const byName = new Map<string, WorkflowExample>(examples.items.map((e) => [e.name, e]));
  let example: WorkflowExample | undefined = examples.items[0];

  // --- map and tract
  let mode: TractMode = "example";
  let vertices: [number, number][] = [];
  const showTract = () => {
    tractStatus.dataset.state = mode;
    tractStatus.dataset.vertices = String(vertices.length);
    const n = vertices.length;
    const v = `${n} vert${n === 1 ? "ex" : "ices"}`;
    if (mode === "example") tractStatus.textContent = `Example tract: ${v}, ≈ ${areaKm2(tractMap.draw.areaKm2())}.`;
    else if (mode === "drawn") tractStatus.textContent = `Drawn tract: ${v}, ≈ ${areaKm2(tractMap.draw.areaKm2())}.`;
    else if (mode === "prospect") tractStatus.textContent = `Tract: the top ${prospect.topPercent.value} % of prospectivity run #${prospect.runId}'s posterior.`;
    else if (mode === "short") tractStatus.textContent = `Finished with ${v}: a tract needs at least 3; the service will refuse it.`;
    else tractStatus.textContent = n ? `Drawing: ${v}${n < 3 ? " (at least 3 needed)" : ""}.` : "Drawing: click on the map to add vertices.";
    finishBtn.disabled = mode !== "drawing" || n === 0;
    resetBtn.disabled = mode === "example";
    drawBtn.textContent = mode === "drawing" ? "Start again" : "Draw tract";
  };
  const onTract = (state: TractState, vs: [number, number][]) => {
    vertices = vs;
    if (state === "closed" && (mode === "drawing" || mode === "short")) mode = "drawn";
    else if (state === "drawing" && mode === "short") mode = "drawing";
    showTract();
  };
  const tractMap = new TractMap(mapEl, config.boundary_url, onTract);
  const map = tractMap.map;
  const mapReady = new Promise<void>((resolve) => (map.isStyleLoaded() ? resolve() : map.once("load", () => resolve())));
  void api
    .sites({ limit: MAP_LIMIT }, signal)
    .then((data: SitesCollection) => tractMap.setSites(data))
    .catch(() => undefined);
  const prospect = new ProspectTract(map, mapReady, () => {
    if (prospect.runId !== null) {
      mode = "prospect";
      tractMap.draw.clear();
    }
    else if (mode === "prospect" && example) setTract(example.document.tract.polygon, "example");
    showTract();
  }, signal);
  prospectHolder.append(prospect.element);
  prospect.topPercent.addEventListener("input", showTract);
  void prospect.load();
  void mapReady.then(() => {
    map.addSource("wf-result-tract", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({ id: "wf-result-tract", type: "line", source: "wf-result-tract",
      paint: { "line-color": "#7a1f5c", "line-width": 2, "line-dasharray": [2, 1] } });
    map.addSource("wf-in-tract", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({
      id: "wf-in-tract",
      type: "circle",
      source: "wf-in-tract",
      paint: { "circle-radius": 7, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#111111", "circle-stroke-width": 2 },
    });
  });

  function setTract(polygon: [number, number][] | undefined, asMode: TractMode): void {
    mode = asMode;
    if (polygon && polygon.length) tractMap.draw.setPolygon({ type: "Polygon", coordinates: [[...polygon, polygon[0]]] });
    else tractMap.draw.clear();
    tractMap.draw.zoomTo(80);
    showTract();
  }

  function applyDocument(doc: WorkflowDocument, fromRun = false): void {
    inputs.fill(doc);
    const t = doc.tract ?? {};
    const isExample = !fromRun || samePolygon(t.polygon, example?.document.tract.polygon);
    setTract(t.polygon, isExample ? "example" : "drawn");
    tractInfo.replaceChildren(
      h("div", {}, `${t.name ?? "—"}`),
      h("div", {}, `Known deposits: ${t.deposits === "knowledge_base" ? "from the knowledge base" : (t.deposits ?? "—")}` +
        `${t.deposit_types?.length ? ` (${t.deposit_types.join(", ")})` : ""}`),
    );
  }

  function chooseExample(name: string): void {
    example = byName.get(name);
    if (!example) return;
    exampleTitle.textContent = example.title;
    applyDocument(example.document);
  }

  drawBtn.addEventListener("click", () => {
    if (prospect.runId !== null) prospect.clear();
    mode = "drawing";
    tractMap.draw.clear();
    showTract();
  });
  const finish = () => {
    if (mode !== "drawing") return;
    if (tractMap.draw.finish()) return; // closed: onTract switches to "drawn"
    if (vertices.length > 0 && vertices.length < 3) {
      mode = "short";
      showTract();
    }
  };
  finishBtn.addEventListener("click", finish);
  map.on("dblclick", finish); // TractDraw closes a polygon of ≥ 3 vertices itself; this marks a shorter one
  resetBtn.addEventListener("click", () => {
    if (prospect.runId !== null) prospect.clear();
    if (example) setTract(example.document.tract.polygon, "example");
  });
  exampleSel.addEventListener("change", () => chooseExample(exampleSel.value));

  // --- error area
  const showError = (text: string) => {
    errorBox.hidden = false;
    errorBox.textContent = text;
  };
  const clearError = () => {
    errorBox.hidden = true;
    errorBox.textContent = "";
  };

  // --- previous runs
  let activeRun: number | null = context.params.has("run") ? Number(context.params.get("run")) : null;
  async function refreshRuns(): Promise<void> {
    try {
      const list = await workflowApi.runs(20, signal);
      runsList.replaceChildren(
        ...(list.items.length
          ? list.items.map((r: WorkflowRunSummary) => {
              const li = h("li", { class: r.id === activeRun ? "active" : "", "data-run-id": String(r.id), tabindex: 0 },
                h("span", { class: "run-name" }, `#${r.id}${r.rerun_of ? ` (re-run of #${r.rerun_of})` : ""}`),
                h("span", { class: `status-pill ${r.status}` }, r.status),
                h("span", { class: "run-meta" }, (r.created_at ?? "").replace("T", " ").slice(0, 16)));
              li.addEventListener("click", () => void openRun(r.id, true));
              return li;
            })
          : [h("li", { class: "muted small" }, "No runs yet.")]),
      );
    } catch (error) {
      if (isAbort(error)) return;
      runsList.replaceChildren(h("li", { class: "error-text small" }, `Could not list runs: ${errorText(error)}`));
    }
  }

  // --- one run: per-step progress, then the results
  function showProgress(run: WorkflowRunSummary): void {
    runPanel.hidden = false;
    runPanel.dataset.status = run.status;
    runPanel.dataset.runId = String(run.id);
    const pct = run.status === "done" ? 100 : Math.round((run.progress ?? 0) * 100);
    runPanel.replaceChildren(
      h("div", { class: "run-head" },
        h("strong", {}, `Run #${run.id}${run.rerun_of ? ` (re-run of #${run.rerun_of})` : ""}`),
        h("span", { class: `status-pill ${run.status}`, id: "wf-status", "data-status": run.status }, run.status)),
      h("progress", { id: "wf-progress", max: 100, value: pct, "aria-label": "Workflow progress" }),
      h("div", { class: run.status === "failed" ? "error-text small" : "muted small", id: "wf-message" },
        run.message ?? (run.status === "queued" ? "Waiting for the worker…" : `${pct} %`)),
      h("ol", { class: "wf-steps" }, STEP_KEYS.map((key, i) => {
        const st = run.steps?.[key];
        const status = st?.status ?? (run.status === "done" ? "done" : "pending");
        return h("li", { class: "wf-step-row", id: `wf-step-${key}`, "data-status": status, "data-cached": st?.cached ? "true" : "false" },
          h("span", { class: "wf-step-number" }, String(i + 1)),
          h("span", {}, STEP_TITLES[key]),
          h("span", { class: `status-pill ${status}` }, status),
          h("span", { class: "wf-cached", hidden: !st?.cached }, "cached"),
          h("span", { class: "wf-step-message", title: st?.message ?? "" }, st?.message ?? ""));
      })),
    );
  }

  async function poll(id: number, seqOk: () => boolean, onTick?: (run: WorkflowRun) => void): Promise<WorkflowRun | null> {
    let run = await workflowApi.run(id, signal);
    while (run.status === "queued" || run.status === "running") {
      if (!seqOk()) return null;
      onTick?.(run);
      await sleep(POLL_MS, signal);
      run = await workflowApi.run(id, signal);
    }
    return seqOk() ? run : null;
  }

  let runSeq = 0;
  let stage: string | undefined;
  async function openRun(id: number, fillInputs = false): Promise<void> {
    const seq = ++runSeq;
    activeRun = id;
    context.setParams(new URLSearchParams({ run: String(id) }));
    runsList.querySelectorAll("li[data-run-id]").forEach((li) => li.classList.toggle("active", li.getAttribute("data-run-id") === String(id)));
    resultsHolder.replaceChildren();
    mainCol.classList.remove("has-results");
    try {
      const run = await poll(id, () => seq === runSeq, (r) => {
        if (fillInputs && r.document) {
          applyDocument(r.document, true);
          fillInputs = false;
        }
        showProgress(r);
      });
      if (!run) return;
      if (fillInputs && run.document) applyDocument(run.document, true);
      showProgress(run);
      void refreshRuns();
      if (run.status !== "done" || !run.result) return;
      resultsHolder.replaceChildren(resultsView(run, {
        stage,
        onStage: (st) => (stage = st),
        onRerun: (button, out) => void rerun(run, button, out),
      }));
      mainCol.classList.add("has-results");
      await mapReady;
      const fc: FeatureCollection = {
        type: "FeatureCollection",
        features: run.result.tract.deposits.map((d) => ({ type: "Feature", properties: { name: d.name }, geometry: { type: "Point", coordinates: [d.lon, d.lat] } })),
      };
      map.getSource<GeoJSONSource>("wf-in-tract")?.setData(fc);
      const outline: FeatureCollection = { type: "FeatureCollection", features: (run.result.tract.method ?? "").startsWith("prospectivity")
        ? [{ type: "Feature", properties: {}, geometry: run.result.tract.geometry }] : [] };
      map.getSource<GeoJSONSource>("wf-result-tract")?.setData(outline);
    } catch (error) {
      if (isAbort(error) || seq !== runSeq) return;
      runPanel.hidden = false;
      runPanel.replaceChildren(h("div", { class: "error-box" }, `Could not load run ${id}: ${errorText(error)}`));
    }
  }

  async function rerun(original: WorkflowRun, button: HTMLButtonElement, out: HTMLElement): Promise<void> {
    button.disabled = true;
    delete out.dataset.identical;
    out.className = "small muted";
    out.textContent = "Submitting the re-run…";
    try {
      const accepted = await workflowApi.rerun(original.id, signal);
      out.dataset.rerunId = String(accepted.id);
      const done = await poll(accepted.id, () => true, (r) => {
        out.textContent = `Re-run #${accepted.id}: ${r.status} ${Math.round((r.progress ?? 0) * 100)} %`;
      });
      void refreshRuns();
      if (!done) return;
      if (done.status !== "done") {
        out.className = "small error-text";
        out.textContent = `Re-run #${done.id} ${done.status}: ${done.message ?? ""}`;
        return;
      }
      const prov = await workflowApi.provenance(done.id, signal);
      const identical = prov.identical_to_original ?? done.result_sha256 === original.result_sha256;
      out.dataset.identical = String(identical);
      out.className = identical ? "small ok-text" : "small error-text";
      out.replaceChildren(
        identical
          ? `Re-run #${done.id} (no cache) reproduced run #${original.id}: identical result, SHA-256 ${(done.result_sha256 ?? "").slice(0, 16)}…`
          : `Re-run #${done.id} differs from run #${original.id}: SHA-256 ${(done.result_sha256 ?? "").slice(0, 16)}… ≠ ${(original.result_sha256 ?? "").slice(0, 16)}…`,
        " ",
        h("a", { href: `#/workflow?run=${done.id}`, id: "wf-rerun-open" }, `open #${done.id}`),
      );
    } catch (error) {
      if (isAbort(error)) return;
      out.className = "small error-text";
      out.textContent = `Re-run refused: ${errorText(error)}`;
    } finally {
      button.disabled = false;
    }
  }

  // --- submit
  function overrides(): RunOverrides | string {
    const o = inputs.overrides();
    if (mode === "prospect") {
      o.tract = { top_percent: Number(prospect.topPercent.value) };
      return o;
    }
    if (mode === "drawing") return "Finish the tract (double-click or “Finish”) or go back to the example tract before running.";
    if (mode === "drawn" || mode === "short") {
      o.tract = { polygon: vertices.map(([x, y]) => [x, y]), name: DRAWN_TRACT_NAME };
    }
    return o;
  }

  runBtn.addEventListener("click", async () => {
    clearError();
    if (!example) return;
    const o = overrides();
    if (typeof o === "string") {
      showError(o);
      return;
    }
    runBtn.disabled = true;
    try {
      const accepted = await workflowApi.submit(example.name, o, signal, mode === "prospect" ? prospect.runId : null);
      stage = undefined;
      void openRun(accepted.id);
      void refreshRuns();
    } catch (error) {
      if (isAbort(error)) return;
      showError(errorText(error));
    } finally {
      runBtn.disabled = false;
    }
  });

  if (example) chooseExample(example.name);
  await refreshRuns();
  if (activeRun !== null && Number.isInteger(activeRun)) void openRun(activeRun, true);

  return () => {
    abort.abort();
    tractMap.destroy();
  };
}

export const workflowPage: Page = { id: "workflow", title: "Rock to supply", path: "/workflow", render };
