// "About / API" page: version, links to the API documentation and OGC API, and the data sources with citations.
import { api, type DatasetInfo } from "../api";
import { h, text } from "../dom";
import type { Page } from "./types";

const KNOWN_KEYS = new Set(["name", "id", "title", "citation", "doi", "url", "licence", "license", "version", "n_sites", "description"]);

function datasetCard(d: DatasetInfo): HTMLElement {
  const title = d.title ?? d.name ?? d.id ?? "Dataset";
  const doi = d.doi ? String(d.doi).replace(/^https?:\/\/(dx\.)?doi\.org\//, "") : null;
  const extra = Object.entries(d).filter(([k, v]) => !KNOWN_KEYS.has(k) && v !== null && v !== "" && typeof v !== "object");
  return h(
    "li",
    { class: "dataset" },
    h("h3", {}, String(title), d.version ? h("span", { class: "muted" }, ` · ${d.version}`) : null),
    d.citation ? h("p", { class: "citation" }, String(d.citation)) : null,
    h(
      "dl",
      { class: "kv" },
      (d.name && d.title ? [["Name", d.name]] : []).map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))]),
      d.n_sites != null ? [h("dt", {}, "Sites"), h("dd", {}, d.n_sites.toLocaleString("en-GB"))] : null,
      (d.licence ?? d.license) ? [h("dt", {}, "Licence"), h("dd", {}, text(d.licence ?? d.license))] : null,
      doi ? [h("dt", {}, "DOI"), h("dd", {}, h("a", { href: `https://doi.org/${doi}`, rel: "noopener" }, doi))] : null,
      d.url ? [h("dt", {}, "URL"), h("dd", {}, h("a", { href: String(d.url), rel: "noopener" }, String(d.url)))] : null,
      extra.map(([k, v]) => [h("dt", {}, k.replace(/_/g, " ")), h("dd", {}, String(v))]),
    ),
  );
}

async function render(container: HTMLElement): Promise<void> {
  const version = h("span", { id: "about-version" }, "…");
  const sources = h("ul", { class: "datasets", id: "about-datasets" }, h("li", { class: "muted" }, "Loading…"));
  container.append(
    h(
      "div",
      { class: "page-text" },
      h("h1", {}, "About critmin"),
      h(
        "p",
        {},
        "critmin is an open library, command-line tool and web service for critical-mineral work: a shared knowledge base of ",
        "mineral deposits (imported from USGS MRDS, USMIN, MinMod and other sources, linked across sources), with provenance for every record.",
      ),
      h("dl", { class: "kv" }, h("dt", {}, "Version"), h("dd", {}, version)),
      h("h2", {}, "API"),
      h(
        "ul",
        { class: "plain api-links" },
        h("li", {}, h("a", { href: "/docs", id: "link-docs" }, "Interactive API documentation (Swagger UI)"), h("span", { class: "muted" }, " · "), h("a", { href: "/openapi.json" }, "openapi.json")),
        h("li", {}, h("a", { href: "/collections", id: "link-ogc" }, "OGC API – Features"), h("span", { class: "muted" }, " collections, readable by QGIS, ArcGIS and GDAL (OAPIF)")),
        h("li", {}, h("a", { href: "/conformance", id: "link-conformance" }, "OGC API conformance classes")),
      ),
      h("h2", {}, "Data sources"),
      sources,
      h("h2", {}, "Basemap"),
      h(
        "p",
        {},
        "Natural Earth 4.1.0 (1:50m, public domain) via world-atlas. Boundaries are indicative, not authoritative; ",
        "a deployment can replace the boundary layer with an official one (for India, the Survey of India boundary).",
      ),
    ),
  );

  const [health, datasets] = await Promise.allSettled([api.health(), api.datasets()]);
  version.textContent = health.status === "fulfilled" ? health.value.version : `unavailable (${String(health.reason)})`;
  if (datasets.status === "fulfilled") {
    sources.replaceChildren(...(datasets.value.length ? datasets.value.map(datasetCard) : [h("li", { class: "muted" }, "No datasets loaded yet.")]));
  } else {
    sources.replaceChildren(h("li", { class: "error-box" }, `Could not load datasets: ${String(datasets.reason)}`));
  }
}

export const aboutPage: Page = { id: "about", title: "About / API", path: "/about", render };
