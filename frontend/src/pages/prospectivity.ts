// "Prospectivity" page: weights-of-evidence runs (submitted through /api/prospectivity) — the posterior, its
// standard deviation or confidence as an image layer (PNG overview rendered server-side from the COG) over the
// deposits, the conditional-independence test, AUC/efficiency, the validation plots and the weights tables.
import { Map as MlMap, NavigationControl, ScaleControl, type ImageSource, type LngLatBoundsLike } from "maplibre-gl";
import { api } from "../api";
import { fmt, h } from "../dom";
import { BASEMAP_ATTRIBUTION, basemapLayers, basemapSources } from "../map/basemap";
import { prospectApi, type ProspectRunDetail, type ProspectRunSummary } from "./prospectivity/api";
import type { Page, PageContext } from "./types";

const RASTERS: [string, string][] = [
  ["posterior", "Posterior probability"],
  ["posterior_std", "Standard deviation"],
  ["posterior_confidence", "Confidence (P / s)"],
];

function runItem(run: ProspectRunSummary, active: boolean, open: (id: number) => void): HTMLElement {
  return h(
    "li",
    { class: active ? "run-item active" : "run-item" },
    h(
      "button",
      { type: "button", class: "link-button", "data-run": String(run.id), onclick: () => open(run.id) },
      `#${run.id} ${run.name}`,
    ),
    h("span", { class: `small muted status-${run.status}` }, ` ${run.status}${run.status === "running" ? ` ${Math.round(run.progress * 100)} %` : ""}`),
  );
}

function summaryView(run: ProspectRunDetail): HTMLElement {
  const res = run.result;
  if (!res) return h("p", { class: "muted", id: "prospect-status" }, `${run.status}: ${run.message ?? ""}`);
  const ci = res.response.ci_test;
  const all = res.validation["all"];
  const nd = res.validation["non-deposit"];
  return h(
    "div",
    { id: "prospect-summary" },
    h(
      "table",
      { class: "data-table small" },
      h("tbody", {},
        h("tr", {}, h("th", {}, "Layers"), h("td", {}, res.layers.join(", "))),
        h("tr", {}, h("th", {}, "Prior probability"), h("td", {}, `${fmt(res.response.prior_probability, 4)} per ${run.parameters.unit_cell_km2} km² cell`)),
        h("tr", {}, h("th", {}, "AUC (all study-area cells)"), h("td", { id: "auc-all" }, fmt(all.auc, 4))),
        h("tr", {}, h("th", {}, "AUC (non-deposit cells)"), h("td", {}, fmt(nd.auc, 4))),
        h("tr", {}, h("th", {}, "Efficiency of classification"), h("td", {}, fmt(all.efficiency_of_classification, 4))),
        h("tr", {}, h("th", {}, "P-A intersection"), h("td", {}, `${fmt(all.pa_intersection.prediction_rate_pct, 3)} % of deposits in ${fmt(all.pa_intersection.area_pct, 3)} % of the area`)),
        h("tr", {}, h("th", {}, "CI test (Agterberg–Cheng)"), h("td", { id: "ci-test" }, `n = ${ci.n_observed}, T = ${fmt(ci.t_predicted, 4)} ± ${fmt(ci.s_t, 3)}, n/T = ${fmt(ci.ratio_n_over_t, 3)}, p = ${fmt(ci.p_value, 3)} (${ci.passes_95 ? "passes" : "fails"} at 95 %)`)),
      ),
    ),
    h("h3", {}, "Validation"),
    h("img", { id: "validation-plot", class: "figure", alt: "ROC, success-rate and prediction–area plots", src: prospectApi.validationPng(run.id) }),
    h("h3", {}, "Weights"),
    ...res.weights.map((w) =>
      h(
        "details",
        { class: "weights-table" },
        h("summary", {}, `${w.summary.layer} (${w.summary.weights_type})`),
        h(
          "table",
          { class: "data-table small" },
          h("thead", {}, h("tr", {}, ...["class", "km²", "deposits", "W+", "W−", "C", "stud. C", "gen. class", "gen. W", "flag"].map((c) => h("th", {}, c)))),
          h("tbody", {}, ...w.rows.map((r) => h("tr", {},
            h("td", {}, String(r.class)), h("td", {}, fmt(r.area_km2, 5)), h("td", {}, String(r.deposits)),
            h("td", {}, fmt(r.w_plus, 4)), h("td", {}, fmt(r.w_minus, 4)), h("td", {}, fmt(r.contrast, 4)),
            h("td", {}, fmt(r.studentized_contrast, 4)), h("td", {}, r.generalized_class == null ? "—" : String(r.generalized_class)),
            h("td", {}, fmt(r.generalized_weight ?? null, 4)), h("td", {}, r.flag ?? ""),
          ))),
        ),
      ),
    ),
  );
}

async function render(container: HTMLElement, context: PageContext): Promise<() => void> {
  const abort = new AbortController();
  const signal = abort.signal;
  const runsList = h("ul", { class: "run-list", id: "prospect-runs" });
  const rasterSelect = h("select", { id: "raster-select" }, ...RASTERS.map(([v, label]) => h("option", { value: v }, label)));
  const legend = h("div", { class: "small muted", id: "raster-legend" });
  const details = h("div", { id: "prospect-details" }, h("p", { class: "muted" }, "Choose a run."));
  const side = h(
    "aside",
    { class: "sidebar assess-side" },
    h("section", { class: "panel-section" }, h("h3", {}, "Model runs"), runsList,
      h("p", { class: "small muted" }, "Submit weights-of-evidence runs with POST /api/prospectivity/runs (see docs/prospectivity.md) or compute them with `critmin prospect`.")),
    h("section", { class: "panel-section" }, h("label", { class: "field" }, h("span", {}, "Map layer"), rasterSelect), legend),
  );
  const mapEl = h("div", { class: "map", id: "map" });
  const main = h("div", { class: "assess-main" }, h("div", { class: "assess-map-wrap" }, mapEl), h("section", { class: "panel-section" }, details));
  container.append(h("div", { class: "assess-layout" }, side, main));

  const config = await api.uiConfig(signal);
  const map = new MlMap({
    container: mapEl,
    center: [20, 15],
    zoom: 1.3,
    attributionControl: { customAttribution: BASEMAP_ATTRIBUTION },
    style: { version: 8, sources: basemapSources(config.boundary_url), layers: basemapLayers() },
  });
  (window as unknown as { map?: MlMap }).map = map;
  map.addControl(new NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new ScaleControl({ unit: "metric" }), "bottom-right");
  const loaded = new Promise<void>((resolve) => map.once("load", () => resolve()));

  let active: number | null = context.params.has("run") ? Number(context.params.get("run")) : null;

  async function showRaster(id: number, name: string): Promise<void> {
    const ov = await prospectApi.overview(id, name, signal);
    await loaded;
    const [w, s, e, n] = ov.bounds;
    const coords: [[number, number], [number, number], [number, number], [number, number]] = [[w, n], [e, n], [e, s], [w, s]];
    const src = map.getSource("result") as ImageSource | undefined;
    if (src) src.updateImage({ url: ov.png, coordinates: coords });
    else {
      map.addSource("result", { type: "image", url: ov.png, coordinates: coords });
      map.addLayer({ id: "result-raster", type: "raster", source: "result", paint: { "raster-opacity": 0.85 } }, map.getLayer("run-deposits") ? "run-deposits" : undefined);
    }
    legend.textContent = `${RASTERS.find(([v]) => v === name)?.[1] ?? name}: viridis ${fmt(ov.min, 3)} – ${fmt(ov.max, 3)} (2–98 %)`;
    map.fitBounds([[w, s], [e, n]] as LngLatBoundsLike, { padding: 30, duration: 0 });
  }

  async function open(id: number): Promise<void> {
    active = id;
    const params = new URLSearchParams(context.params);
    params.set("run", String(id));
    context.setParams(params);
    const run = await prospectApi.run(id, signal);
    details.replaceChildren(h("h2", {}, run.name), summaryView(run));
    await refreshList();
    if (run.status !== "done") return;
    const dep = await prospectApi.deposits(id, signal);
    await loaded;
    const src = map.getSource("run-deposits-src") as { setData?: (d: unknown) => void } | undefined;
    if (src?.setData) src.setData(dep);
    else {
      map.addSource("run-deposits-src", { type: "geojson", data: dep });
      map.addLayer({
        id: "run-deposits",
        type: "circle",
        source: "run-deposits-src",
        paint: { "circle-radius": 4, "circle-color": "#D55E00", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1 },
      });
    }
    await showRaster(id, rasterSelect.value);
  }

  async function refreshList(): Promise<void> {
    const runs = await prospectApi.runs(signal);
    runsList.replaceChildren(
      ...(runs.items.length ? runs.items.map((r) => runItem(r, r.id === active, (rid) => void open(rid))) : [h("li", { class: "muted small" }, "No runs yet.")]),
    );
  }

  rasterSelect.addEventListener("change", () => {
    if (active !== null) void showRaster(active, rasterSelect.value);
  });
  await refreshList();
  if (active !== null) await open(active);
  return () => {
    abort.abort();
    map.remove();
  };
}

export const prospectivityPage: Page = {
  id: "prospectivity",
  title: "Prospectivity",
  path: "/prospectivity",
  render,
};
