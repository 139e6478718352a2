// Detail panel of one site: identity, location, commodities, deposit types, inventory table, links,
// references, attributes and the provenance block (where the record came from).
import type { InventoryRow, SiteDetail } from "../api";
import { fmt, h, text } from "../dom";
import { statusColor, statusLabel } from "../map/status";

function dl(rows: [string, Node | string][]): HTMLElement {
  return h("dl", { class: "kv" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function reported(value: number | null, unit: string | null): string {
  return value === null || value === undefined ? "" : `As reported: ${fmt(value, 6)} ${unit ?? ""}`.trim();
}

function gradeCell(row: InventoryRow): HTMLElement {
  const title = reported(row.grade_value, row.grade_unit);
  if (row.grade_pct !== null && row.grade_pct !== undefined) return h("td", { class: "num", title }, fmt(row.grade_pct));
  if (row.grade_mg_per_l !== null && row.grade_mg_per_l !== undefined)
    return h("td", { class: "num", title }, `${fmt(row.grade_mg_per_l)} mg/L`);
  return h("td", { class: "num", title }, "—");
}

function inventoryTable(rows: InventoryRow[]): HTMLElement {
  if (!rows.length) return h("p", { class: "muted" }, "No resource or production figures recorded.");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "inventory", id: "inventory-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Commodity"),
          h("th", { class: "num" }, "Tonnage (Mt)"),
          h("th", { class: "num" }, "Grade (%)"),
          h("th", { class: "num" }, "Contained (t)"),
          h("th", {}, "Category"),
          h("th", {}, "Method"),
          h("th", {}, "Date"),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            { title: r.reference ?? "" },
            h(
              "td",
              {},
              r.commodity,
              r.material_form ? h("span", { class: "muted" }, ` (${r.material_form})`) : null,
              r.zone ? h("div", { class: "muted small" }, r.zone) : null,
            ),
            h("td", { class: "num", title: reported(r.ore_value, r.ore_unit) }, r.ore_t === null ? "—" : fmt(r.ore_t / 1e6)),
            gradeCell(r),
            h("td", { class: "num", title: reported(r.contained_value, r.contained_unit) }, fmt(r.contained_t)),
            h("td", {}, text(r.category), r.unfc_code ? h("span", { class: "muted" }, ` UNFC ${r.unfc_code}`) : null),
            h("td", {}, text(r.classification_method)),
            h("td", {}, text(r.date)),
          ),
        ),
      ),
    ),
  );
}

export interface DetailPanelOptions {
  onClose(): void;
  onSelect(id: string): void;
  onZoom(site: SiteDetail): void;
}

export function detailPanel(site: SiteDetail, options: DetailPanelOptions): HTMLElement {
  const close = h("button", { type: "button", class: "icon-button", id: "detail-close", "aria-label": "Close details", title: "Close" }, "×");
  close.addEventListener("click", options.onClose);
  const zoom = h("button", { type: "button", class: "link-button" }, "Zoom to site");
  zoom.addEventListener("click", () => options.onZoom(site));

  const p = site.provenance ?? ({} as SiteDetail["provenance"]);
  const attributes = Object.entries(site.attributes ?? {}).filter(([, v]) => v !== null && v !== "");

  return h(
    "article",
    { class: "detail", id: "detail-panel", "data-site-id": site.id },
    h(
      "header",
      {},
      h("div", {}, h("h2", { id: "detail-name" }, site.name || site.id), site.aliases?.length ? h("div", { class: "muted" }, `Also: ${site.aliases.join(", ")}`) : null),
      close,
    ),
    h(
      "div",
      { class: "badges" },
      h("span", { class: "badge", style: `background:${statusColor(site.status)}` }, statusLabel(site.status)),
      (site.commodities ?? []).map((c) =>
        h("span", { class: `chip static${c.role === "main" ? " main" : ""}`, title: `${c.role}${c.observed === false ? ", not observed" : ""}` }, c.symbol),
      ),
    ),
    dl([
      ["Location", `${site.lat.toFixed(4)}°, ${site.lon.toFixed(4)}°${site.crs ? ` (${site.crs})` : ""}`],
      ["Accuracy", site.location_accuracy_m != null ? `± ${fmt(site.location_accuracy_m)} m` : text(site.location_quality)],
      ["Country / state", [site.country, site.state].filter(Boolean).join(" / ") || "—"],
      ["Record", `${site.source} ${site.record_id}`],
    ]),
    zoom,
    h("h3", {}, "Deposit type"),
    site.deposit_types?.length
      ? h(
          "ul",
          { class: "plain" },
          site.deposit_types.map((t) =>
            h(
              "li",
              {},
              h("strong", {}, t.name),
              [t.group, t.cox_singer_code ? `Cox & Singer ${t.cox_singer_code}` : null, t.confidence != null ? `confidence ${fmt(t.confidence, 2)}` : null, t.source]
                .filter(Boolean)
                .map((s) => h("span", { class: "muted" }, ` · ${s}`)),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Not classified."),
    h("h3", {}, "Inventory"),
    inventoryTable(site.inventory ?? []),
    site.links?.length
      ? [
          h("h3", {}, "Same site in other sources"),
          h(
            "ul",
            { class: "plain links" },
            site.links.map((l) => {
              const a = h("a", { href: "#", "data-site-id": l.id }, l.name || l.id);
              a.addEventListener("click", (e) => {
                e.preventDefault();
                options.onSelect(String(l.id));
              });
              return h("li", {}, a, h("span", { class: "muted" }, ` · ${l.source} ${l.record_id}${l.probability != null ? ` · p = ${fmt(l.probability, 2)}` : ""}`));
            }),
          ),
        ]
      : null,
    site.references?.length ? [h("h3", {}, "References"), h("ul", { class: "plain refs" }, site.references.map((r) => h("li", {}, r)))] : null,
    attributes.length
      ? h(
          "details",
          {},
          h("summary", {}, `Source attributes (${attributes.length})`),
          dl(attributes.map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)])),
        )
      : null,
    h(
      "section",
      { class: "provenance", id: "detail-provenance" },
      h("h3", {}, "Provenance"),
      dl([
        ["Dataset", text(p.dataset)],
        ["Format", text(p.format)],
        ["Source", text(p.source)],
        ["Organisation", text(p.organisation)],
        ["Visibility", text(p.visibility)],
        ["File", p.file ? `${p.file}${p.row != null ? `, row ${p.row}` : ""}` : "—"],
        ["Imported", text(p.imported_at)],
        ["SHA-256", h("code", { title: p.content_sha256 ?? "" }, p.content_sha256 ? `${p.content_sha256.slice(0, 16)}…` : "—")],
      ]),
    ),
  );
}
