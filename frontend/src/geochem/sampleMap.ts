// Map of the samples of a geochemistry dataset: the shared offline basemap and one circle per sample with
// coordinates, coloured by a chosen metric on a sequential scale (log when the values span > 1.5 decades);
// the legend shows the colour ramp with its end values. Samples without a value for the metric are grey.
import { LngLatBounds, Map as MlMap, NavigationControl, Popup, ScaleControl, type GeoJSONSource } from "maplibre-gl";
import type { Feature, FeatureCollection, Point } from "geojson";
import type { GeochemSamples } from "../api";
import { h } from "../dom";
import { BASEMAP_ATTRIBUTION, basemapLayers, basemapSources } from "../map/basemap";
import { formatMetric } from "./metricsTable";

/** Viridis at 9 stops (perceptually uniform, colour-blind safe). */
const RAMP = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"];
const MISSING = "#9aa3ad";
export const SAMPLE_LAYER = "geochem-samples";

export interface ColourScale {
  min: number;
  max: number;
  log: boolean;
  colour(value: number | null): string;
}

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rampAt(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const a = hexToRgb(RAMP[i]);
  const b = hexToRgb(RAMP[i + 1]);
  const f = x - i;
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

export function colourScale(values: (number | null)[]): ColourScale | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!finite.length) return null;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const log = min > 0 && max / min > 10 ** 1.5;
  const t = (v: number) => {
    if (max === min) return 0.5;
    return log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
  };
  return { min, max, log, colour: (v) => (v === null || !Number.isFinite(v) ? MISSING : rampAt(t(v))) };
}

export class SampleMap {
  readonly map: MlMap;
  readonly legend: HTMLElement;
  private readonly loaded: Promise<void>;
  private readonly popup = new Popup({ closeButton: false, closeOnClick: false, offset: 8, className: "site-popup" });
  /** Number of samples drawn. */
  count = 0;

  constructor(container: HTMLElement, boundaryUrl: string) {
    window.__mapIdle = false;
    this.map = new MlMap({
      container,
      center: [78.5, 21.5],
      zoom: 3.5,
      minZoom: 0.5,
      maxZoom: 18,
      attributionControl: { compact: true, customAttribution: BASEMAP_ATTRIBUTION },
      style: {
        version: 8,
        sources: { ...basemapSources(boundaryUrl), samples: { type: "geojson", data: { type: "FeatureCollection", features: [] } } },
        layers: [
          ...basemapLayers(),
          {
            id: SAMPLE_LAYER,
            type: "circle",
            source: "samples",
            paint: {
              "circle-color": ["get", "colour"],
              "circle-radius": ["interpolate", ["linear"], ["zoom"], 2, 4, 8, 7, 14, 9],
              "circle-stroke-color": "#ffffff",
              "circle-stroke-width": 1,
              "circle-opacity": 0.92,
            },
          },
        ],
      },
    });
    window.map = this.map;
    this.map.addControl(new NavigationControl({ showCompass: false }), "top-right");
    this.map.addControl(new ScaleControl({ unit: "metric" }), "bottom-right");
    this.loaded = new Promise((resolve) => this.map.once("load", () => resolve()));
    this.legend = h("div", { class: "legend ramp-legend", id: "geochem-legend" });
    container.parentElement?.append(this.legend);
    this.map.on("mousemove", SAMPLE_LAYER, (event) => {
      const feature = event.features?.[0];
      if (!feature) return;
      const p = feature.properties as { id: string; label: string };
      this.map.getCanvas().style.cursor = "pointer";
      this.popup
        .setLngLat((feature.geometry as Point).coordinates as [number, number])
        .setDOMContent(h("div", {}, h("strong", {}, p.id), h("div", { class: "muted" }, p.label)))
        .addTo(this.map);
    });
    this.map.on("mouseleave", SAMPLE_LAYER, () => {
      this.map.getCanvas().style.cursor = "";
      this.popup.remove();
    });
  }

  /** Show the samples (from `samples.geojson`) coloured by their `value`; fits the view when `fit`. */
  async show(samples: GeochemSamples, label: string, fit: boolean): Promise<void> {
    const scale = colourScale(samples.features.map((f) => f.properties.value));
    const features: Feature<Point>[] = samples.features.map((f) => {
      const v = f.properties.value;
      const id = f.properties.label ?? `row ${f.properties.row + 1}`;
      const flag = f.properties.flag ? ` (${f.properties.flag})` : "";
      return {
        type: "Feature",
        geometry: f.geometry,
        properties: { id, row: f.properties.row, value: v, colour: scale ? scale.colour(v) : MISSING, label: `${label}: ${formatMetric(v)}${flag}` },
      };
    });
    this.count = features.length;
    this.renderLegend(scale, label, features.filter((f) => f.properties?.value === null).length);
    await this.loaded;
    window.__mapIdle = false;
    const data: FeatureCollection<Point> = { type: "FeatureCollection", features };
    this.map.getSource<GeoJSONSource>("samples")!.setData(data);
    if (fit && features.length) {
      const bounds = new LngLatBounds();
      for (const f of features) bounds.extend(f.geometry.coordinates as [number, number]);
      this.map.fitBounds(bounds, { padding: 60, maxZoom: 9, duration: 0 });
    }
    this.map.once("idle", () => {
      window.__mapIdle = true;
    });
    this.map.triggerRepaint();
  }

  private renderLegend(scale: ColourScale | null, label: string, missing: number): void {
    this.legend.dataset.metric = label;
    if (!scale) {
      this.legend.replaceChildren(h("span", { class: "muted" }, `${label}: no values`));
      return;
    }
    const stops = RAMP.map((c, i) => `${c} ${((100 * i) / (RAMP.length - 1)).toFixed(1)}%`).join(", ");
    const mid = scale.log ? Math.sqrt(scale.min * scale.max) : (scale.min + scale.max) / 2;
    this.legend.dataset.min = String(scale.min);
    this.legend.dataset.max = String(scale.max);
    this.legend.dataset.log = String(scale.log);
    this.legend.replaceChildren(
      h("div", { class: "legend-title" }, `${label}${scale.log ? " (log scale)" : ""}`),
      h("div", { class: "ramp", style: `background: linear-gradient(to right, ${stops})` }),
      h(
        "div",
        { class: "ramp-ticks" },
        h("span", {}, formatMetric(scale.min, 3)),
        h("span", {}, formatMetric(mid, 3)),
        h("span", {}, formatMetric(scale.max, 3)),
      ),
      ...(missing ? [h("div", { class: "legend-missing" }, h("span", { class: "dot", style: `background:${MISSING}` }), `no value (${missing})`)] : []),
    );
  }

  destroy(): void {
    this.popup.remove();
    this.legend.remove();
    this.map.remove();
    if (window.map === this.map) window.map = undefined;
    window.__mapIdle = false;
  }
}
