// World map of production shares: the shared offline basemap plus a choropleth of the bundled Natural Earth
// country polygons (matched on ISO 3166 numeric codes). Shares are fractions 0-1; countries without a share stay
// transparent. No remote tiles, glyphs or sprites.
import { Map as MlMap, NavigationControl, Popup, type ExpressionSpecification } from "maplibre-gl";
import { h } from "../../dom";
import { BASEMAP_ATTRIBUTION, basemapLayers, basemapSources } from "../../map/basemap";
import type { Concentration } from "./api";

const COUNTRIES_URL = `${import.meta.env.BASE_URL}basemap/countries.geojson`;
/** Sequential blues for shares (0-1) in five classes. */
export const SHARE_CLASSES: [number, string][] = [
  [0.01, "#deebf7"], [0.05, "#9ecae1"], [0.15, "#4292c6"], [0.4, "#2171b5"], [1.01, "#08306b"],
];

export function shareColour(share: number): string {
  return (SHARE_CLASSES.find(([limit]) => share < limit) ?? SHARE_CLASSES[SHARE_CLASSES.length - 1])[1];
}

export class ShareMap {
  readonly map: MlMap;
  private readonly loaded: Promise<void>;
  private readonly popup = new Popup({ closeButton: false, closeOnClick: false, offset: 6, className: "site-popup" });
  private names: Record<string, { name: string; share: number }> = {};

  constructor(container: HTMLElement, boundaryUrl: string) {
    window.__mapIdle = false;
    this.map = new MlMap({
      container,
      center: [20, 20],
      zoom: 0.9,
      minZoom: 0.3,
      maxZoom: 8,
      attributionControl: { compact: true, customAttribution: BASEMAP_ATTRIBUTION },
      style: {
        version: 8,
        sources: { ...basemapSources(boundaryUrl), shares: { type: "geojson", data: COUNTRIES_URL } },
        layers: [
          ...basemapLayers().filter((l) => l.id !== "boundaries"),
          { id: "share-fill", type: "fill", source: "shares", paint: { "fill-color": "rgba(0,0,0,0)", "fill-opacity": 0.9 } },
          ...basemapLayers().filter((l) => l.id === "boundaries"),
        ],
      },
    });
    window.map = this.map;
    this.map.addControl(new NavigationControl({ showCompass: false }), "top-right");
    this.loaded = new Promise((resolve) => this.map.once("load", () => resolve()));
    this.map.on("mousemove", "share-fill", (event) => {
      const code = String(event.features?.[0]?.properties?.iso_n3 ?? "");
      const hit = this.names[code];
      if (!hit) {
        this.popup.remove();
        return;
      }
      this.popup.setLngLat(event.lngLat).setDOMContent(h("div", {}, h("strong", {}, hit.name), ` ${(100 * hit.share).toFixed(1)} %`)).addTo(this.map);
    });
    this.map.on("mouseleave", "share-fill", () => this.popup.remove());
  }

  /** Colour the producing countries by their share. */
  async show(c: Concentration): Promise<void> {
    await this.loaded;
    window.__mapIdle = false;
    this.names = {};
    const match: (string | string[])[] = [];
    for (const [name, share] of Object.entries(c.shares)) {
      const code = c.iso_numeric[name];
      if (!code) continue;
      this.names[code] = { name, share };
      match.push(code, shareColour(share));
    }
    const colour = (match.length
      ? ["match", ["to-string", ["get", "iso_n3"]], ...match, "rgba(0,0,0,0)"]
      : "rgba(0,0,0,0)") as ExpressionSpecification;
    this.map.setPaintProperty("share-fill", "fill-color", colour);
    this.map.once("idle", () => {
      window.__mapIdle = true;
    });
    this.map.triggerRepaint();
  }
}

export function shareLegend(): HTMLElement {
  const labels = ["< 1 %", "1–5 %", "5–15 %", "15–40 %", "≥ 40 %"];
  return h("div", { class: "legend", id: "supply-legend" }, h("strong", {}, "Share of production"),
    SHARE_CLASSES.map(([, colour], i) => h("div", {}, h("i", { class: "dot", style: `background:${colour}` }), labels[i])));
}
