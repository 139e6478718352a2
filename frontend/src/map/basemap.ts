// The offline basemap shared by every map of the UI: ocean background, Natural Earth land fill (bundled GeoJSON)
// and the swappable boundary lines (URL from /api/ui/config). No glyphs, sprites or remote tiles.
import { setWorkerUrl, type LayerSpecification, type SourceSpecification } from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";

setWorkerUrl(workerUrl);

export const LAND_URL = `${import.meta.env.BASE_URL}basemap/land.geojson`;

export const BASEMAP_ATTRIBUTION = "Basemap: Natural Earth (public domain)";

/** Sources `land` and `boundaries`. */
export function basemapSources(boundaryUrl: string): Record<string, SourceSpecification> {
  return {
    land: { type: "geojson", data: LAND_URL },
    boundaries: { type: "geojson", data: boundaryUrl },
  };
}

/** Layers `ocean`, `land` and `boundaries` (draw them first). */
export function basemapLayers(): LayerSpecification[] {
  return [
    { id: "ocean", type: "background", paint: { "background-color": "#dfe9f0" } },
    { id: "land", type: "fill", source: "land", paint: { "fill-color": "#f7f5ef" } },
    {
      id: "boundaries",
      type: "line",
      source: "boundaries",
      paint: { "line-color": "#9a958a", "line-width": ["interpolate", ["linear"], ["zoom"], 1, 0.4, 6, 1.2] },
    },
  ];
}
