// "About / API" page: version, links to the API documentation and OGC API, and the data sources with citations.
import { api, type DatasetInfo } from "../api";
import { h } from "../dom";
import type { Page } from "./types";

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Imported files by name; a long list is folded. */
function filesList(files: string[] | null): Node | null {
  if (!files?.length) return null;
  if (files.length <= 3) return h("span", { title: files.join("\n") }, files.map(baseName).join(", "));
  return h("details", {}, h("summary", {}, `${files.length} files`), h("div", { class: "small" }, files.map(baseName).join(", ")));
}

function datasetCard(d: DatasetInfo): HTMLElement {
  const doi = d.doi ? String(d.doi).replace(/^https?:\/\/(dx\.)?doi\.org\//, "") : null;
  const row = (label: string, value: Node | string | null | undefined) =>
    value === null || value === undefined || value === "" ? null : [h("dt", {}, label), h("dd", {}, value)];
  return h(
    "li",
    { class: "dataset", "data-source": d.source },
    h("h3", {}, d.title || d.source, d.version ? h("span", { class: "muted" }, ` · ${d.version}`) : null),
    d.citation ? h("p", { class: "citation" }, d.citation) : null,
    h(
      "dl",
      { class: "kv" },
      row("Source id", d.source),
      row("Organisation", d.organisation),
      row("Sites", d.record_count != null ? d.record_count.toLocaleString("en-GB") : null),
      row("Licence", d.licence),
      row("DOI", doi ? h("a", { href: `https://doi.org/${doi}`, rel: "noopener" }, doi) : null),
      row("URL", d.url ? h("a", { href: d.url, rel: "noopener" }, d.url) : null),
      row("Format", d.format),
      row("Files", filesList(d.files)),
      row("Visibility", d.visibility),
      row("Imported", d.imported_at),
      row("SHA-256", d.content_sha256 ? h("code", { title: d.content_sha256 }, `${d.content_sha256.slice(0, 16)}…`) : null),
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
        h(
          "li",
          {},
          h("a", { href: "/?f=json", id: "link-ogc" }, "OGC API – Features landing page"),
          h("span", { class: "muted" }, " · "),
          h("a", { href: "/collections" }, "collections"),
          h("span", { class: "muted" }, " (QGIS, ArcGIS and GDAL connect here: use this server's address as an OGC API – Features / OAPIF source)"),
        ),
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
