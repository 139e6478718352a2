// Typed client for the critmin REST API (same origin). Interfaces mirror the JSON the service returns.
import type { FeatureCollection, Point } from "geojson";

export type DevelopmentStatus =
  | "occurrence"
  | "prospect"
  | "deposit"
  | "producer"
  | "past_producer"
  | "plant"
  | "unknown";

export interface Health {
  status?: string;
  version: string;
  [key: string]: unknown;
}

export interface UiConfig {
  boundary_url: string;
  boundary_note: string;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface Facets {
  commodities: FacetValue[];
  statuses: FacetValue[];
  countries: FacetValue[];
  deposit_types: FacetValue[];
  sources: FacetValue[];
}

/** Site identifiers are integers in the store; kept open so other stores can use strings. */
export type SiteId = number | string;

/** Properties of one feature of `/api/deposits/sites.geojson`. */
export interface SiteProperties {
  id: SiteId;
  name: string;
  source: string;
  record_id: string;
  status: DevelopmentStatus | string;
  /** Comma-separated element symbols, e.g. "Li,Ta". */
  commodities: string;
  country: string | null;
  deposit_type: string | null;
}

export type SitesCollection = FeatureCollection<Point, SiteProperties> & {
  numberMatched?: number;
  numberReturned?: number;
};

export interface SiteCommodity {
  symbol: string;
  role: string;
  observed: boolean | null;
}

export interface DepositTypeCandidate {
  name: string;
  group: string | null;
  environment: string | null;
  cox_singer_code: string | null;
  confidence: number | null;
  source: string | null;
}

export interface InventoryRow {
  commodity: string;
  category: string | null;
  classification_method: string | null;
  unfc_code: string | null;
  ore_t: number | null;
  grade_pct: number | null;
  grade_mg_per_l: number | null;
  contained_t: number | null;
  cutoff: string | null;
  date: string | null;
  material_form: string | null;
  zone?: string | null;
  ore_value: number | null;
  ore_unit: string | null;
  grade_value: number | null;
  grade_unit: string | null;
  contained_value: number | null;
  contained_unit: string | null;
  reference: string | null;
}

export interface Provenance {
  dataset: SiteId | null;
  source: string | null;
  organisation: string | null;
  visibility: string | null;
  format?: string | null;
  file: string | null;
  row: number | null;
  imported_at: string | null;
  content_sha256: string | null;
}

export interface SiteLink {
  id: SiteId;
  source: string;
  record_id: string;
  name: string;
  probability: number | null;
  same: boolean | null;
}

export interface SiteDetail {
  id: SiteId;
  source: string;
  record_id: string;
  name: string;
  aliases: string[];
  lon: number;
  lat: number;
  crs: string | null;
  location_accuracy_m: number | null;
  location_quality: string | null;
  country: string | null;
  state: string | null;
  status: string;
  commodities: SiteCommodity[];
  deposit_types: DepositTypeCandidate[];
  inventory: InventoryRow[];
  references: string[];
  attributes: Record<string, unknown>;
  provenance: Provenance;
  links: SiteLink[];
}

/** One entry of `/api/deposits/datasets`; the citation fields are shown when the service provides them. */
export interface DatasetInfo {
  id: SiteId;
  source: string;
  title: string | null;
  organisation: string;
  visibility: string;
  format: string | null;
  files: string[] | null;
  content_sha256: string | null;
  imported_at: string | null;
  record_count: number | null;
  citation?: string | null;
  doi?: string | null;
  url?: string | null;
  licence?: string | null;
  version?: string | null;
  [key: string]: unknown;
}

export type SiteSort = "name" | "-name" | "country" | "-country" | "status" | "-status" | "id" | "-id";

export interface SiteQuery {
  commodity?: string[];
  status?: string;
  country?: string;
  deposit_type?: string;
  q?: string;
  /** minx, miny, maxx, maxy in degrees (EPSG:4326). */
  bbox?: [number, number, number, number];
  limit?: number;
  offset?: number;
  sort?: SiteSort;
}

export class ApiError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${url}: HTTP ${status}${detail ? ` — ${detail}` : ""}`);
  }
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
  if (!response.ok) {
    let detail = "";
    try {
      const body = await response.json();
      detail = typeof body?.detail === "string" ? body.detail : JSON.stringify(body?.detail ?? body);
    } catch {
      detail = response.statusText;
    }
    throw new ApiError(url, response.status, detail);
  }
  return (await response.json()) as T;
}

/** Encode a site query as URL search parameters (empty values are left out). */
export function siteQueryParams(query: SiteQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.commodity && query.commodity.length) params.set("commodity", query.commodity.join(","));
  if (query.status) params.set("status", query.status);
  if (query.country) params.set("country", query.country);
  if (query.deposit_type) params.set("deposit_type", query.deposit_type);
  if (query.q) params.set("q", query.q);
  if (query.bbox) params.set("bbox", query.bbox.map((v) => v.toFixed(4)).join(","));
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.offset !== undefined) params.set("offset", String(query.offset));
  if (query.sort) params.set("sort", query.sort);
  return params;
}

export const api = {
  health: (signal?: AbortSignal) => getJson<Health>("/api/health", signal),
  uiConfig: (signal?: AbortSignal) => getJson<UiConfig>("/api/ui/config", signal),
  facets: (signal?: AbortSignal) => getJson<Facets>("/api/deposits/facets", signal),
  datasets: (signal?: AbortSignal) =>
    getJson<DatasetInfo[] | { datasets: DatasetInfo[] }>("/api/deposits/datasets", signal).then((body) =>
      Array.isArray(body) ? body : (body.datasets ?? []),
    ),
  sites: (query: SiteQuery, signal?: AbortSignal) =>
    getJson<SitesCollection>(`/api/deposits/sites.geojson?${siteQueryParams(query)}`, signal),
  site: (id: SiteId, signal?: AbortSignal) =>
    getJson<SiteDetail>(`/api/deposits/sites/${encodeURIComponent(String(id))}`, signal),
};
