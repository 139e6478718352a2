// "Deposits" page: filter panel + result list | clustered deposit map | detail panel.
import { ApiError, api, type SiteProperties, type SitesCollection } from "../api";
import { detailPanel } from "../deposits/detailPanel";
import { filterPanel, filtersFromParams, filtersToParams, filtersToQuery, statusLegend, type FilterState } from "../deposits/filterPanel";
import { h } from "../dom";
import { DepositMap, shortList } from "../map/depositMap";
import { statusColor } from "../map/status";
import type { Page, PageContext } from "./types";

/** Upper bound on points sent to the map in one request (clustering keeps this fast). */
const MAP_LIMIT = 100_000;
/** Rows shown in the result list. */
const LIST_LIMIT = 50;

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** The first `LIST_LIMIT` sites by name (the GeoJSON endpoint returns them in id order). */
function firstByName(data: SitesCollection): SiteProperties[] {
  return data.features
    .map((f) => f.properties)
    .sort((a, b) => collator.compare(a.name ?? "", b.name ?? ""))
    .slice(0, LIST_LIMIT);
}

function resultList(data: SitesCollection, onSelect: (id: string) => void): HTMLElement {
  const rows = firstByName(data);
  if (!rows.length) return h("p", { class: "muted", id: "result-list" }, "No sites match these filters.");
  return h(
    "ol",
    { class: "results", id: "result-list" },
    rows.map((p) => {
      const item = h(
        "li",
        { tabindex: 0, "data-site-id": p.id, role: "button" },
        h("i", { class: "dot", style: `background:${statusColor(p.status)}` }),
        h("span", { class: "result-name" }, p.name || p.id),
        h("span", { class: "result-meta", title: p.commodities ?? "" }, [p.country, shortList(p.commodities, 6)].filter(Boolean).join(" · ")),
      );
      item.addEventListener("click", () => onSelect(String(p.id)));
      item.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") onSelect(String(p.id));
      });
      return item;
    }),
  );
}

async function render(container: HTMLElement, context: PageContext): Promise<() => void> {
  let filters: FilterState = filtersFromParams(context.params);
  let selectedId: string | null = context.params.get("site");

  const count = h("div", { class: "count", id: "result-count", "aria-live": "polite" }, "Loading…");
  const listHolder = h("div", { class: "list-holder" });
  const sidebar = h("aside", { class: "sidebar" });
  const mapEl = h("div", { class: "map", id: "map" });
  const note = h("div", { class: "map-note", id: "boundary-note" });
  const detail = h("div", { class: "detail-holder", hidden: true });
  const mapWrap = h("div", { class: "map-wrap" }, mapEl, note, statusLegend(), detail);
  container.append(h("div", { class: "deposits-layout" }, sidebar, mapWrap));

  const abort = new AbortController();
  const [config, facets] = await Promise.all([api.uiConfig(abort.signal), api.facets(abort.signal)]);
  note.textContent = config.boundary_note;

  const syncUrl = () => context.setParams(filtersToParams(filters, { site: selectedId }));

  let loadSeq = 0;
  let firstLoad = true;
  let loadAbort: AbortController | null = null;
  async function loadSites(): Promise<void> {
    const seq = ++loadSeq;
    loadAbort?.abort();
    loadAbort = new AbortController();
    count.textContent = "Loading…";
    const query = { ...filtersToQuery(filters), limit: MAP_LIMIT };
    if (filters.inView) Object.assign(query, { bbox: depositMap.viewBbox() });
    try {
      const data = await api.sites(query, loadAbort.signal);
      if (seq !== loadSeq) return;
      const total = data.numberMatched ?? data.features.length;
      const mapped = data.features.length;
      count.textContent = `${total.toLocaleString("en-GB")} site${total === 1 ? "" : "s"}`;
      if (mapped < total) count.append(h("span", { class: "muted small" }, ` (${mapped.toLocaleString("en-GB")} on the map)`));
      count.dataset.count = String(total);
      count.dataset.mapped = String(mapped);
      const shown = Math.min(LIST_LIMIT, data.features.length);
      listHolder.replaceChildren(
        resultList(data, (id) => void select(id, true)),
        total > shown ? h("p", { class: "muted small" }, `Showing the first ${shown} by name.`) : "",
      );
      await depositMap.setSites(data, firstLoad && !filters.inView && !selectedId);
      firstLoad = false;
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      count.textContent = "Could not load sites";
      listHolder.replaceChildren(h("div", { class: "error-box" }, String(error instanceof ApiError ? error.message : error)));
    }
  }

  /** Width of the map covered by the detail panel (it floats over the map's right side). */
  const detailInset = () => (detail.hidden ? 0 : detail.offsetWidth + 62);

  let detailSeq = 0;
  async function select(id: string | null, fly = false): Promise<void> {
    selectedId = id;
    syncUrl();
    const seq = ++detailSeq;
    if (!id) {
      detail.hidden = true;
      detail.replaceChildren();
      void depositMap.setSelected(null);
      return;
    }
    detail.hidden = false;
    detail.replaceChildren(h("div", { class: "detail loading" }, "Loading site…"));
    try {
      const site = await api.site(id, abort.signal);
      if (seq !== detailSeq) return;
      void depositMap.setSelected(site);
      detail.replaceChildren(
        detailPanel(site, {
          onClose: () => void select(null),
          onSelect: (other) => void select(other, true),
          onZoom: (s) => depositMap.flyTo(s.lon, s.lat, detailInset()),
        }),
      );
      if (fly) depositMap.flyTo(site.lon, site.lat, detailInset());
      else depositMap.ensureVisible(site.lon, site.lat, detailInset());
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      detail.replaceChildren(h("div", { class: "detail error-box" }, `Could not load site ${id}: ${String(error)}`));
    }
  }

  const depositMap = new DepositMap({
    container: mapEl,
    boundaryUrl: config.boundary_url,
    onSelect: (id) => void select(id),
    onMoveEnd: () => {
      if (filters.inView) void loadSites();
    },
  });

  sidebar.append(
    filterPanel(facets, filters, (next) => {
      filters = next;
      syncUrl();
      void loadSites();
    }),
    h("section", { class: "results-section", "aria-label": "Results" }, count, listHolder),
  );

  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && selectedId) void select(null);
  };
  window.addEventListener("keydown", onKey);

  await loadSites();
  if (selectedId) void select(selectedId, true);

  return () => {
    abort.abort();
    loadAbort?.abort();
    window.removeEventListener("keydown", onKey);
    depositMap.destroy();
  };
}

export const depositsPage: Page = { id: "deposits", title: "Deposits", path: "/deposits", render };
