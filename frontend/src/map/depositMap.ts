// The deposit map: offline basemap (land fill + swappable boundary lines) and clustered deposit points.
// No glyphs, sprites or remote tiles: cluster counts are HTML markers, labels are DOM popups.
import { Map as MlMap, Marker, NavigationControl, Popup, ScaleControl, type GeoJSONSource, type MapGeoJSONFeature } from "maplibre-gl";
import type { Feature, FeatureCollection, Point } from "geojson";
import type { SiteProperties, SitesCollection } from "../api";
import { h } from "../dom";
import { BASEMAP_ATTRIBUTION, basemapLayers, basemapSources } from "./basemap";
import { statusColorExpression, statusLabel } from "./status";

declare global {
  interface Window {
    map?: MlMap;
    __mapIdle?: boolean;
  }
}

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

/** "A,B,C,…" shortened to its first `n` items. */
export function shortList(csv: string | null | undefined, n = 8): string {
  const items = (csv ?? "").split(",").filter(Boolean);
  if (!items.length) return "—";
  return items.length > n ? `${items.slice(0, n).join(", ")} +${items.length - n}` : items.join(", ");
}

export const DEPOSIT_LAYERS = ["deposit-clusters", "deposit-points"] as const;

export interface DepositMapOptions {
  container: HTMLElement;
  boundaryUrl: string;
  onSelect(id: string): void;
  onMoveEnd(): void;
}

export class DepositMap {
  readonly map: MlMap;
  private readonly clusterMarkers = new Map<number, Marker>();
  private readonly hoverPopup = new Popup({ closeButton: false, closeOnClick: false, offset: 8, className: "site-popup" });
  private loaded: Promise<void>;

  constructor(private readonly options: DepositMapOptions) {
    window.__mapIdle = false;
    this.map = new MlMap({
      container: options.container,
      center: [20, 15],
      zoom: 1.3,
      minZoom: 0.5,
      maxZoom: 16,
      attributionControl: { compact: true, customAttribution: BASEMAP_ATTRIBUTION },
      style: {
        version: 8,
        sources: {
          ...basemapSources(options.boundaryUrl),
          deposits: {
            type: "geojson",
            data: EMPTY,
            cluster: true,
            clusterRadius: 42,
            clusterMaxZoom: 10,
          },
          selected: { type: "geojson", data: EMPTY },
        },
        layers: [
          ...basemapLayers(),
          {
            id: "deposit-clusters",
            type: "circle",
            source: "deposits",
            filter: ["has", "point_count"],
            paint: {
              "circle-color": "#33506b",
              "circle-opacity": 0.85,
              "circle-stroke-color": "#ffffff",
              "circle-stroke-width": 1.5,
              "circle-radius": ["step", ["get", "point_count"], 12, 10, 15, 50, 19, 200, 24, 1000, 30],
            },
          },
          {
            id: "deposit-points",
            type: "circle",
            source: "deposits",
            filter: ["!", ["has", "point_count"]],
            paint: {
              "circle-color": statusColorExpression(),
              "circle-radius": ["interpolate", ["linear"], ["zoom"], 1, 4, 8, 6, 14, 9],
              "circle-stroke-color": "#ffffff",
              "circle-stroke-width": 1.2,
            },
          },
          {
            id: "selected-ring",
            type: "circle",
            source: "selected",
            paint: {
              "circle-radius": 11,
              "circle-color": "rgba(0,0,0,0)",
              "circle-stroke-color": "#111111",
              "circle-stroke-width": 2.5,
            },
          },
        ],
      },
    });
    window.map = this.map;
    this.map.addControl(new NavigationControl({ showCompass: false }), "top-right");
    this.map.addControl(new ScaleControl({ unit: "metric" }), "bottom-right");
    this.loaded = new Promise((resolve) => this.map.once("load", () => resolve()));
    this.bindEvents();
  }

  private bindEvents(): void {
    const map = this.map;
    map.on("click", "deposit-points", (event) => {
      const feature = event.features?.[0];
      if (feature) this.options.onSelect(String(feature.properties.id ?? feature.id));
    });
    map.on("click", "deposit-clusters", (event) => {
      const feature = event.features?.[0];
      if (feature) void this.expandCluster(feature);
    });
    for (const layer of DEPOSIT_LAYERS) {
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => {
        map.getCanvas().style.cursor = "";
        this.hoverPopup.remove();
      });
    }
    map.on("mousemove", "deposit-points", (event) => {
      const feature = event.features?.[0];
      if (!feature) return;
      const p = feature.properties as SiteProperties;
      const coords = (feature.geometry as Point).coordinates as [number, number];
      this.hoverPopup
        .setLngLat(coords)
        .setDOMContent(
          h("div", {}, h("strong", {}, p.name || p.id), h("div", { class: "muted" }, `${statusLabel(p.status)} · ${shortList(p.commodities)}`)),
        )
        .addTo(map);
    });
    map.on("moveend", () => this.options.onMoveEnd());
    map.on("render", () => this.updateClusterMarkers());
  }

  private async expandCluster(feature: MapGeoJSONFeature): Promise<void> {
    const source = this.map.getSource<GeoJSONSource>("deposits");
    if (!source) return;
    const clusterId = Number(feature.properties.cluster_id);
    const zoom = await source.getClusterExpansionZoom(clusterId);
    this.map.easeTo({ center: (feature.geometry as Point).coordinates as [number, number], zoom: Math.min(zoom, 16) });
  }

  /** Count labels for clusters as HTML markers (no glyphs needed). */
  private updateClusterMarkers(): void {
    const map = this.map;
    if (!map.getSource("deposits") || !map.isSourceLoaded("deposits")) return;
    const seen = new Set<number>();
    for (const feature of map.querySourceFeatures("deposits", { filter: ["has", "point_count"] })) {
      const id = Number(feature.properties.cluster_id);
      if (seen.has(id)) continue;
      seen.add(id);
      if (!this.clusterMarkers.has(id)) {
        const el = h("div", { class: "cluster-count", "data-count": feature.properties.point_count }, String(feature.properties.point_count_abbreviated));
        el.addEventListener("click", (e) => {
          e.stopPropagation();
          void this.expandCluster(feature as MapGeoJSONFeature);
        });
        const marker = new Marker({ element: el }).setLngLat((feature.geometry as Point).coordinates as [number, number]);
        this.clusterMarkers.set(id, marker);
      }
      this.clusterMarkers.get(id)!.addTo(map);
    }
    for (const [id, marker] of this.clusterMarkers) {
      if (!seen.has(id)) {
        marker.remove();
        this.clusterMarkers.delete(id);
      }
    }
  }

  /**
   * Replace the deposit points (and optionally fit the view to them); `window.__mapIdle` becomes true
   * when the map has rendered them.
   */
  async setSites(data: SitesCollection, fit = false): Promise<void> {
    await this.loaded;
    window.__mapIdle = false;
    for (const marker of this.clusterMarkers.values()) marker.remove();
    this.clusterMarkers.clear();
    this.map.getSource<GeoJSONSource>("deposits")!.setData(data);
    if (fit) this.fitToSites(data);
    this.map.once("idle", () => {
      window.__mapIdle = true;
    });
    this.map.triggerRepaint();
  }

  async setSelected(site: { lon: number; lat: number } | null): Promise<void> {
    await this.loaded;
    const data: FeatureCollection = site
      ? { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [site.lon, site.lat] } } as Feature] }
      : EMPTY;
    this.map.getSource<GeoJSONSource>("selected")!.setData(data);
  }

  /** Centre on a site, keeping it clear of the detail panel that covers the right of the map. */
  flyTo(lon: number, lat: number, rightInsetPx = 0): void {
    const width = this.map.getContainer().clientWidth;
    const right = Math.min(rightInsetPx, Math.max(0, width - 200));
    this.map.flyTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 7), padding: { top: 0, bottom: 0, left: 0, right } });
  }

  /** Pan (without zooming) if the site is hidden under the detail panel on the right of the map. */
  ensureVisible(lon: number, lat: number, rightInsetPx: number): void {
    const width = this.map.getContainer().clientWidth;
    const { x } = this.map.project([lon, lat]);
    if (rightInsetPx > 0 && x > width - rightInsetPx - 20) {
      const right = Math.min(rightInsetPx, Math.max(0, width - 200));
      this.map.easeTo({ center: [lon, lat], padding: { top: 0, bottom: 0, left: 0, right }, duration: 300 });
    }
  }

  fitToSites(data: SitesCollection): void {
    if (!data.features.length) return;
    let [minx, miny, maxx, maxy] = [180, 90, -180, -90];
    for (const f of data.features) {
      const [x, y] = f.geometry.coordinates;
      minx = Math.min(minx, x); miny = Math.min(miny, y); maxx = Math.max(maxx, x); maxy = Math.max(maxy, y);
    }
    const padding = { top: 70, bottom: 40, left: 40, right: 40 }; // room for the legend
    this.map.fitBounds([[minx, miny], [maxx, maxy]], { padding, maxZoom: 8, duration: 0 });
  }

  /** Current view as minx, miny, maxx, maxy (clamped to valid longitude/latitude). */
  viewBbox(): [number, number, number, number] {
    const b = this.map.getBounds();
    return [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())];
  }

  destroy(): void {
    for (const marker of this.clusterMarkers.values()) marker.remove();
    this.hoverPopup.remove();
    this.map.remove();
    if (window.map === this.map) window.map = undefined;
    window.__mapIdle = false;
  }
}
