// Filter controls for the deposit map: commodities (multi-select chips), status, country, deposit type,
// free-text name search and "filter to map view". Options and counts come from /api/deposits/facets.
import type { FacetValue, Facets, SiteQuery } from "../api";
import { h } from "../dom";
import { statusColor, statusLabel } from "../map/status";

export interface FilterState {
  commodity: string[];
  status: string;
  country: string;
  deposit_type: string;
  q: string;
  inView: boolean;
}

export const EMPTY_FILTERS: FilterState = { commodity: [], status: "", country: "", deposit_type: "", q: "", inView: false };

export function filtersFromParams(params: URLSearchParams): FilterState {
  return {
    commodity: (params.get("commodity") ?? "").split(",").filter(Boolean),
    status: params.get("status") ?? "",
    country: params.get("country") ?? "",
    deposit_type: params.get("deposit_type") ?? "",
    q: params.get("q") ?? "",
    inView: params.get("view") === "1",
  };
}

export function filtersToParams(state: FilterState, extra: Record<string, string | null> = {}): URLSearchParams {
  const params = new URLSearchParams();
  if (state.commodity.length) params.set("commodity", state.commodity.join(","));
  if (state.status) params.set("status", state.status);
  if (state.country) params.set("country", state.country);
  if (state.deposit_type) params.set("deposit_type", state.deposit_type);
  if (state.q) params.set("q", state.q);
  if (state.inView) params.set("view", "1");
  for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
  return params;
}

export function filtersToQuery(state: FilterState): SiteQuery {
  return {
    commodity: state.commodity,
    status: state.status || undefined,
    country: state.country || undefined,
    deposit_type: state.deposit_type || undefined,
    q: state.q || undefined,
  };
}

function facetSelect(
  id: string,
  label: string,
  values: FacetValue[],
  selected: string,
  display: (value: string) => string,
  onChange: (value: string) => void,
): HTMLElement {
  const select = h(
    "select",
    { id, name: id },
    h("option", { value: "" }, "Any"),
    values.map((v) => h("option", { value: v.value, selected: v.value === selected }, `${display(v.value)} (${v.count})`)),
  );
  select.addEventListener("change", () => onChange(select.value));
  return h("label", { class: "field" }, h("span", {}, label), select);
}

/** Build the filter panel; `onChange` is called with the new state on every edit. */
export function filterPanel(facets: Facets, initial: FilterState, onChange: (state: FilterState) => void): HTMLElement {
  let state: FilterState = { ...initial, commodity: [...initial.commodity] };
  const emit = () => onChange({ ...state, commodity: [...state.commodity] });

  const search = h("input", { type: "search", id: "filter-q", placeholder: "Name contains…", value: state.q, autocomplete: "off" });
  let timer: number | undefined;
  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      state.q = search.value.trim();
      emit();
    }, 250);
  });

  const chips = h(
    "div",
    { class: "chips", id: "filter-commodity", role: "group", "aria-label": "Commodities" },
    facets.commodities.map((c) => {
      const chip = h(
        "button",
        { type: "button", class: "chip", "data-value": c.value, "aria-pressed": String(state.commodity.includes(c.value)), title: `${c.count} sites` },
        c.value,
        h("span", { class: "chip-count" }, c.count),
      );
      chip.addEventListener("click", () => {
        const on = !state.commodity.includes(c.value);
        state.commodity = on ? [...state.commodity, c.value] : state.commodity.filter((v) => v !== c.value);
        chip.setAttribute("aria-pressed", String(on));
        emit();
      });
      return chip;
    }),
  );

  const inView = h("input", { type: "checkbox", id: "filter-in-view", checked: state.inView });
  inView.addEventListener("change", () => {
    state.inView = inView.checked;
    emit();
  });

  const reset = h("button", { type: "button", class: "link-button", id: "filter-reset" }, "Clear filters");
  reset.addEventListener("click", () => {
    state = { ...EMPTY_FILTERS, commodity: [] };
    panel.replaceWith(filterPanel(facets, state, onChange));
    emit();
  });

  const panel = h(
    "section",
    { class: "filters", "aria-label": "Filters" },
    h("div", { class: "filters-head" }, h("h2", {}, "Filters"), reset),
    h("label", { class: "field" }, h("span", {}, "Search"), search),
    h("div", { class: "field" }, h("span", {}, "Commodities (any of)"), chips),
    facetSelect("filter-status", "Status", facets.statuses, state.status, statusLabel, (v) => {
      state.status = v;
      emit();
    }),
    facetSelect("filter-country", "Country", facets.countries, state.country, (v) => v, (v) => {
      state.country = v;
      emit();
    }),
    facetSelect("filter-deposit-type", "Deposit type", facets.deposit_types, state.deposit_type, (v) => v, (v) => {
      state.deposit_type = v;
      emit();
    }),
    h("label", { class: "check" }, inView, " Only sites in the map view"),
  );
  return panel;
}

export function statusLegend(): HTMLElement {
  const statuses = ["producer", "past_producer", "deposit", "prospect", "occurrence", "plant", "unknown"];
  return h(
    "div",
    { class: "legend", "aria-label": "Legend" },
    statuses.map((s) => h("span", { class: "legend-item" }, h("i", { class: "dot", style: `background:${statusColor(s)}` }), statusLabel(s))),
    h("span", { class: "legend-item" }, h("i", { class: "dot cluster" }), "Cluster (click to expand)"),
  );
}
