// Drawing the permissive tract on a MapLibre map: click adds a vertex, double-click (or `finish()`)
// closes the polygon, `clear()` starts again. No drawing plugin: three GeoJSON layers.
import type { GeoJSONSource, Map as MlMap, MapMouseEvent } from "maplibre-gl";
import type { Feature, FeatureCollection, Polygon } from "geojson";

/** Vertices closer than this (screen pixels) to the previous one are ignored (the clicks of a double-click). */
const MIN_VERTEX_GAP_PX = 4;
const EARTH_RADIUS_M = 6_371_008.8;

export type TractState = "empty" | "drawing" | "closed";

/**
 * Area of a lon/lat polygon ring on the sphere (km²), by the line-integral formula of
 * Chamberlain & Duquette (2007), "Some algorithms for polygons on a sphere", JPL Publication 07-03.
 */
export function ringAreaKm2(ring: [number, number][]): number {
  const n = ring.length;
  if (n < 3) return 0;
  const rad = Math.PI / 180;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const [lon1, lat1] = ring[i];
    const [lon2, lat2] = ring[(i + 1) % n];
    sum += (lon2 - lon1) * rad * (2 + Math.sin(lat1 * rad) + Math.sin(lat2 * rad));
  }
  return Math.abs((sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2) / 1e6;
}

export interface TractDrawOptions {
  onChange(state: TractState, vertices: [number, number][]): void;
}

export class TractDraw {
  private vertices: [number, number][] = [];
  private cursor: [number, number] | null = null;
  private state: TractState = "empty";
  private ready = false;
  private readonly handlers: { type: "click" | "dblclick" | "mousemove"; fn: (e: MapMouseEvent) => void }[] = [];

  constructor(
    private readonly map: MlMap,
    private readonly options: TractDrawOptions,
  ) {
    map.doubleClickZoom.disable();
    const add = () => {
      this.addLayers();
      this.ready = true;
      this.redraw();
    };
    if (map.isStyleLoaded()) add();
    else map.once("load", add);
    this.on("click", (e) => this.onClick(e));
    this.on("dblclick", (e) => {
      e.preventDefault();
      this.finish();
    });
    this.on("mousemove", (e) => {
      if (this.state !== "drawing") return;
      this.cursor = [e.lngLat.lng, e.lngLat.lat];
      this.redraw();
    });
  }

  private on(type: "click" | "dblclick" | "mousemove", fn: (e: MapMouseEvent) => void): void {
    this.map.on(type, fn);
    this.handlers.push({ type, fn });
  }

  private addLayers(): void {
    const map = this.map;
    const empty: FeatureCollection = { type: "FeatureCollection", features: [] };
    map.addSource("tract", { type: "geojson", data: empty });
    map.addSource("tract-vertices", { type: "geojson", data: empty });
    map.addLayer({ id: "tract-fill", type: "fill", source: "tract", filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#c0392b", "fill-opacity": 0.12 } });
    map.addLayer({ id: "tract-line", type: "line", source: "tract", filter: ["==", ["get", "kind"], "tract"], paint: { "line-color": "#a93226", "line-width": 2 } });
    map.addLayer({
      id: "tract-preview",
      type: "line",
      source: "tract",
      filter: ["==", ["get", "kind"], "preview"],
      paint: { "line-color": "#a93226", "line-width": 2, "line-dasharray": [2, 1.5] },
    });
    map.addLayer({
      id: "tract-vertices",
      type: "circle",
      source: "tract-vertices",
      paint: { "circle-radius": 4, "circle-color": "#ffffff", "circle-stroke-color": "#a93226", "circle-stroke-width": 2 },
    });
  }

  private onClick(e: MapMouseEvent): void {
    if (this.state === "closed") return;
    const point: [number, number] = [e.lngLat.lng, e.lngLat.lat];
    const last = this.vertices[this.vertices.length - 1];
    if (last) {
      const a = this.map.project(last);
      if (Math.hypot(a.x - e.point.x, a.y - e.point.y) < MIN_VERTEX_GAP_PX) return;
    }
    this.vertices.push(point);
    this.state = "drawing";
    this.changed();
  }

  /** Close the polygon (needs three vertices); returns whether it is closed. */
  finish(): boolean {
    if (this.state !== "drawing" || this.vertices.length < 3) return this.state === "closed";
    this.state = "closed";
    this.cursor = null;
    this.changed();
    return true;
  }

  clear(): void {
    this.vertices = [];
    this.cursor = null;
    this.state = "empty";
    this.changed();
  }

  /** Replace the tract with a given polygon (e.g. from a previous run). */
  setPolygon(polygon: Polygon): void {
    const ring = polygon.coordinates[0].map(([x, y]) => [x, y] as [number, number]);
    if (ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) ring.pop();
    this.vertices = ring;
    this.cursor = null;
    this.state = ring.length >= 3 ? "closed" : ring.length ? "drawing" : "empty";
    this.changed();
  }

  /** The closed tract as a GeoJSON polygon (first vertex repeated at the end), or null. */
  polygon(): Polygon | null {
    if (this.state !== "closed") return null;
    return { type: "Polygon", coordinates: [[...this.vertices, this.vertices[0]]] };
  }

  areaKm2(): number {
    return this.state === "closed" ? ringAreaKm2(this.vertices) : 0;
  }

  get status(): TractState {
    return this.state;
  }

  get vertexCount(): number {
    return this.vertices.length;
  }

  private changed(): void {
    this.redraw();
    this.options.onChange(this.state, [...this.vertices]);
  }

  private redraw(): void {
    if (!this.ready) return;
    const features: Feature[] = [];
    const v = this.vertices;
    if (this.state === "closed") {
      features.push({ type: "Feature", properties: { kind: "tract" }, geometry: { type: "Polygon", coordinates: [[...v, v[0]]] } });
    } else if (v.length) {
      const line = this.cursor ? [...v, this.cursor] : v;
      if (line.length >= 2) features.push({ type: "Feature", properties: { kind: "preview" }, geometry: { type: "LineString", coordinates: line } });
    }
    this.map.getSource<GeoJSONSource>("tract")?.setData({ type: "FeatureCollection", features });
    this.map.getSource<GeoJSONSource>("tract-vertices")?.setData({
      type: "FeatureCollection",
      features: v.map((c, i) => ({ type: "Feature", properties: { i }, geometry: { type: "Point", coordinates: c } })),
    });
  }

  /** Fit the map to the tract. */
  zoomTo(padding = 60): void {
    if (!this.vertices.length) return;
    let [minx, miny, maxx, maxy] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of this.vertices) {
      minx = Math.min(minx, x); miny = Math.min(miny, y); maxx = Math.max(maxx, x); maxy = Math.max(maxy, y);
    }
    this.map.fitBounds([[minx, miny], [maxx, maxy]], { padding, maxZoom: 9, duration: 0 });
  }

  destroy(): void {
    for (const { type, fn } of this.handlers) this.map.off(type, fn);
  }
}
