// The map of the assessment page: the shared offline basemap, the knowledge-base deposits as small
// non-interactive context points (no clusters, so every click on the map can add a tract vertex) and the tract.
import { Map as MlMap, NavigationControl, Popup, ScaleControl, type GeoJSONSource } from "maplibre-gl";
import type { Point } from "geojson";
import type { SiteProperties, SitesCollection } from "../api";
import { h } from "../dom";
import { BASEMAP_ATTRIBUTION, basemapLayers, basemapSources } from "../map/basemap";
import { shortList } from "../map/depositMap";
import { statusColorExpression, statusLabel } from "../map/status";
import { TractDraw, type TractState } from "./tractDraw";

export class TractMap {
  readonly map: MlMap;
  readonly draw: TractDraw;
  private readonly loaded: Promise<void>;
  private readonly popup = new Popup({ closeButton: false, closeOnClick: false, offset: 8, className: "site-popup" });

  constructor(container: HTMLElement, boundaryUrl: string, onTractChange: (state: TractState, vertices: [number, number][]) => void) {
    window.__mapIdle = false;
    this.map = new MlMap({
      container,
      center: [20, 15],
      zoom: 1.3,
      minZoom: 0.5,
      maxZoom: 16,
      attributionControl: { compact: true, customAttribution: BASEMAP_ATTRIBUTION },
      style: {
        version: 8,
        sources: { ...basemapSources(boundaryUrl), deposits: { type: "geojson", data: { type: "FeatureCollection", features: [] } } },
        layers: [
          ...basemapLayers(),
          {
            id: "context-deposits",
            type: "circle",
            source: "deposits",
            paint: {
              "circle-color": statusColorExpression(),
              "circle-opacity": 0.75,
              "circle-radius": ["interpolate", ["linear"], ["zoom"], 1, 2.2, 6, 4, 12, 6],
              "circle-stroke-color": "#ffffff",
              "circle-stroke-width": 0.6,
            },
          },
        ],
      },
    });
    window.map = this.map;
    this.map.addControl(new NavigationControl({ showCompass: false }), "top-right");
    this.map.addControl(new ScaleControl({ unit: "metric" }), "bottom-right");
    this.loaded = new Promise((resolve) => this.map.once("load", () => resolve()));
    this.draw = new TractDraw(this.map, { onChange: onTractChange });
    this.map.on("mousemove", "context-deposits", (event) => {
      const feature = event.features?.[0];
      if (!feature) return;
      const p = feature.properties as SiteProperties;
      this.popup
        .setLngLat((feature.geometry as Point).coordinates as [number, number])
        .setDOMContent(h("div", {}, h("strong", {}, p.name || p.id), h("div", { class: "muted" }, `${statusLabel(p.status)} · ${shortList(p.commodities)}`)))
        .addTo(this.map);
    });
    this.map.on("mouseleave", "context-deposits", () => this.popup.remove());
  }

  /** Show the deposits; `window.__mapIdle` becomes true once they are drawn. */
  async setSites(data: SitesCollection): Promise<void> {
    await this.loaded;
    window.__mapIdle = false;
    this.map.getSource<GeoJSONSource>("deposits")!.setData(data);
    this.map.once("idle", () => {
      window.__mapIdle = true;
    });
    this.map.triggerRepaint();
  }

  destroy(): void {
    this.draw.destroy();
    this.popup.remove();
    this.map.remove();
    if (window.map === this.map) window.map = undefined;
    window.__mapIdle = false;
  }
}
