// "Assessment" page: draw a permissive tract on the map, give the grade–tonnage model and the deposit-number
// estimates, run the USGS three-part simulation as a job (progress bar) and read the results: statistics table,
// pmf, GT scatter and the CCDF of the totals; previous runs are listed and can be reopened (#/assessment?run=7).
import { ApiError, api, assessmentApi, type Facets, type RunDetail, type RunSummary, type SitesCollection } from "../api";
import { inputsPanel, InputProblem } from "../assessment/inputsPanel";
import { resultsView } from "../assessment/resultsView";
import { runList } from "../assessment/runList";
import { TractMap } from "../assessment/tractMap";
import type { TractState } from "../assessment/tractDraw";
import { h } from "../dom";
import type { Page, PageContext } from "./types";

const POLL_MS = 400;
const MAP_LIMIT = 100_000;

function message(error: unknown): string {
  if (error instanceof ApiError) return error.message.replace(/^.*?HTTP (\d+) — /, "($1) ");
  return String(error instanceof Error ? error.message : error);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = window.setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      window.clearTimeout(t);
      reject(new DOMException("aborted", "AbortError"));
    });
  });

async function render(container: HTMLElement, context: PageContext): Promise<() => void> {
  const abort = new AbortController();
  const signal = abort.signal;
  let activeRun: number | null = context.params.has("run") ? Number(context.params.get("run")) : null;

  // --- layout
  const tractStatus = h("div", { class: "input-status small", id: "tract-status", "aria-live": "polite" });
  const finishBtn = h("button", { type: "button", class: "button secondary", id: "tract-finish", disabled: true }, "Finish");
  const clearBtn = h("button", { type: "button", class: "button secondary", id: "tract-clear", disabled: true }, "Clear");
  const inputsHolder = h("div", {});
  const runName = h("input", { type: "text", id: "run-name", placeholder: "e.g. Southern carbonate tract — Cu–Au", maxlength: 256 });
  const runBtn = h("button", { type: "button", class: "button primary", id: "run-button" }, "Run");
  const runError = h("div", { class: "error-text small", id: "run-error", role: "alert" });
  const runsHolder = h("div", { class: "runs-holder" }, h("p", { class: "muted small" }, "Loading…"));
  const side = h(
    "aside",
    { class: "sidebar assess-side" },
    h(
      "section",
      { class: "panel-section" },
      h("h3", {}, "Permissive tract"),
      h("p", { class: "small muted" }, "Click on the map to add vertices; double-click or “Finish” closes the polygon."),
      h("div", { class: "button-row" }, finishBtn, clearBtn),
      tractStatus,
    ),
    inputsHolder,
    h("section", { class: "panel-section" }, h("label", { class: "field" }, h("span", {}, "Run name"), runName), runBtn, runError),
    h("section", { class: "panel-section" }, h("h3", {}, "Previous runs"), runsHolder),
  );
  const mapEl = h("div", { class: "map", id: "map" });
  const note = h("div", { class: "map-note", id: "boundary-note" });
  const runPanel = h("div", { class: "run-panel", id: "run-panel", hidden: true });
  const resultsHolder = h("div", { id: "results-holder" });
  const mainCol = h(
    "div",
    { class: "assess-main" },
    h("div", { class: "assess-map-wrap" }, mapEl, note),
    runPanel,
    resultsHolder,
    h("p", { class: "muted small empty-hint", id: "results-hint" }, "Results appear here when a run has finished."),
  );
  container.append(h("div", { class: "assess-layout" }, side, mainCol));

  // --- map and tract
  const [config, facets] = await Promise.all([api.uiConfig(signal), api.facets(signal).catch((): Facets | null => null)]);
  note.textContent = config.boundary_note;
  const onTract = (state: TractState, vertices: [number, number][]) => {
    finishBtn.disabled = !(state === "drawing" && vertices.length >= 3);
    clearBtn.disabled = state === "empty";
    tractStatus.dataset.state = state;
    tractStatus.dataset.vertices = String(vertices.length);
    if (state === "empty") tractStatus.textContent = "No tract drawn.";
    else if (state === "drawing") tractStatus.textContent = `Drawing: ${vertices.length} vert${vertices.length === 1 ? "ex" : "ices"}${vertices.length < 3 ? " (at least 3 needed)" : ""}.`;
    else tractStatus.textContent = `Tract closed: ${vertices.length} vertices, ${Math.round(tractMap.draw.areaKm2()).toLocaleString("en-GB")} km².`;
  };
  const tractMap = new TractMap(mapEl, config.boundary_url, (state, vertices) => onTract(state, vertices));
  onTract("empty", []);
  finishBtn.addEventListener("click", () => tractMap.draw.finish());
  clearBtn.addEventListener("click", () => tractMap.draw.clear());
  void api
    .sites({ limit: MAP_LIMIT }, signal)
    .then((data: SitesCollection) => tractMap.setSites(data))
    .catch(() => undefined);

  const inputs = inputsPanel(facets);
  inputsHolder.append(inputs.element);

  // --- runs list
  async function refreshRuns(): Promise<void> {
    try {
      const list = await assessmentApi.runs(50, 0, signal);
      runsHolder.replaceChildren(runList(list.items, activeRun, (id) => void openRun(id, true)));
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      runsHolder.replaceChildren(h("div", { class: "error-text small" }, `Could not list runs: ${message(error)}`));
    }
  }

  // --- one run: progress, then results
  let runSeq = 0;
  function showProgress(run: RunSummary): void {
    runPanel.hidden = false;
    runPanel.dataset.status = run.status;
    runPanel.dataset.runId = String(run.id);
    const pct = Math.round((run.progress ?? 0) * 100);
    runPanel.replaceChildren(
      h("div", { class: "run-head" }, h("strong", {}, `Run #${run.id} · ${run.name}`), h("span", { class: `status-pill ${run.status}`, id: "run-status" }, run.status)),
      h("progress", { id: "run-progress", max: 100, value: run.status === "done" ? 100 : pct, "aria-label": "Run progress" }),
      h("div", { class: run.status === "failed" ? "error-text small" : "muted small", id: "run-message" }, run.message ?? (run.status === "done" ? "Finished." : `${pct} %`)),
    );
  }

  async function openRun(id: number, fromList = false): Promise<void> {
    const seq = ++runSeq;
    activeRun = id;
    context.setParams(new URLSearchParams({ run: String(id) }));
    runsHolder.querySelectorAll("li[data-run-id]").forEach((li) => li.classList.toggle("active", li.getAttribute("data-run-id") === String(id)));
    resultsHolder.replaceChildren();
    try {
      let run: RunDetail = await assessmentApi.run(id, signal);
      if (fromList && run.tract?.type === "Polygon") {
        tractMap.draw.setPolygon(run.tract);
        tractMap.draw.zoomTo();
      }
      while (run.status === "queued" || run.status === "running") {
        if (seq !== runSeq) return;
        showProgress(run);
        await sleep(POLL_MS, signal);
        run = await assessmentApi.run(id, signal);
      }
      if (seq !== runSeq) return;
      showProgress(run);
      void refreshRuns();
      if (run.status !== "done" || !run.result) return;
      const [pmf, gt, ccdf] = await Promise.all([assessmentApi.pmf(id, signal), assessmentApi.gt(id, signal), assessmentApi.ccdf(id, signal)]);
      if (seq !== runSeq) return;
      resultsHolder.replaceChildren(resultsView(run, pmf, gt, ccdf));
      mainCol.classList.add("has-results");
    } catch (error) {
      if ((error as Error).name === "AbortError" || seq !== runSeq) return;
      runPanel.hidden = false;
      runPanel.replaceChildren(h("div", { class: "error-box" }, `Could not load run ${id}: ${message(error)}`));
    }
  }

  runBtn.addEventListener("click", async () => {
    runError.textContent = "";
    if (tractMap.draw.status === "drawing") {
      runError.textContent = "Finish the tract (double-click or “Finish”) or clear it before running.";
      return;
    }
    try {
      const parts = inputs.collect();
      const name = runName.value.trim() || `Tract ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
      runBtn.disabled = true;
      const created = await assessmentApi.createRun({ name, tract: tractMap.draw.polygon(), ...parts }, signal);
      await refreshRuns();
      void openRun(created.id);
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      runError.textContent = error instanceof InputProblem ? error.message : `The service refused the run: ${message(error)}`;
    } finally {
      runBtn.disabled = false;
    }
  });

  await refreshRuns();
  if (activeRun !== null && Number.isInteger(activeRun)) void openRun(activeRun, true);

  return () => {
    abort.abort();
    tractMap.destroy();
  };
}

export const assessmentPage: Page = { id: "assessment", title: "Assessment", path: "/assessment", render };
