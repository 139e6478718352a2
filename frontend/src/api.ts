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

/** Fetch JSON; a non-2xx answer becomes an ApiError carrying the problem document's detail. */
async function request<T>(url: string, init: RequestInit = {}): Promise<T> {
  const headers = { Accept: "application/json", ...(init.headers as Record<string, string> | undefined) };
  const response = await fetch(url, { ...init, headers });
  if (!response.ok) {
    let detail = "";
    try {
      const problem = await response.json();
      detail = typeof problem?.detail === "string" ? problem.detail : JSON.stringify(problem?.detail ?? problem);
    } catch {
      detail = response.statusText;
    }
    throw new ApiError(url, response.status, detail);
  }
  return (await response.json()) as T;
}

function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return request<T>(url, { signal });
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

// ---------------------------------------------------------------------------------------------------------------
// Assessment API (/api/assessment; documented in docs/api-assessment.md). Amounts in metric tons, grades in %.

export type RunStatus = "queued" | "running" | "done" | "failed";
export type PdfChoice = "normal" | "kde";
export type Visibility = "private" | "partners" | "public";

/** One deposit of a grade–tonnage table; a missing or null grade is an unreported by-product grade. */
export interface GtRow {
  id?: string;
  name?: string;
  ore_t: number;
  grades_pct: Record<string, number | null>;
}

export interface GtFromKbQuery {
  commodity: string[];
  deposit_type?: string[] | string | null;
  country?: string[] | string | null;
  source?: string[] | string | null;
  bbox?: [number, number, number, number] | null;
}

/** Exactly one of the members. */
export type GtInput = { rows: GtRow[] } | { csv: string } | { from_kb: GtFromKbQuery };

export interface ExpertEstimateRow {
  name: string;
  weight: number;
  n90: number;
  n50: number;
  n10: number;
}

/** Exactly one of the members. */
export type PmfInput =
  | { estimates: ExpertEstimateRow[] }
  | { estimates_csv: string }
  | { mark3: number[] }
  | { poisson_mean: number }
  | { custom: { n: number[]; probability: number[] } }
  | { csv: string };

/** A permissive tract in lon/lat (CRS84). */
export type TractGeometry = import("geojson").Polygon | import("geojson").MultiPolygon;

export interface RunRequest {
  name: string;
  tract?: TractGeometry | null;
  visibility?: Visibility;
  gt: GtInput;
  pmf: PmfInput;
  tonnage_pdf?: PdfChoice;
  grade_pdf?: PdfChoice;
  truncate?: boolean;
  joint?: boolean;
  trials?: number;
  seed?: number | null;
}

export interface RunCreated {
  id: number;
  status: RunStatus;
  url: string;
}

export interface RunSummary {
  id: number;
  name: string;
  organisation: string;
  visibility: Visibility | string;
  status: RunStatus;
  progress: number;
  message: string | null;
  trials: number;
  seed: number | null;
  tract: TractGeometry | null;
  tract_area_km2: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface RunList {
  total: number;
  items: RunSummary[];
}

export interface GtSummary {
  n_deposits: number;
  tonnage_name: string;
  elements: string[];
  median_ore_t?: number | null;
  mean_ln_ore?: number | null;
  sd_ln_ore?: number | null;
  median_grade_pct?: Record<string, number | null>;
  n_reported?: Record<string, number>;
  warnings?: string[];
  [key: string]: unknown;
}

export interface QuantityStatistics {
  mean: number | null;
  median: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  p_zero: number | null;
  p_ge_mean: number | null;
  n_trials: number;
  /** Keyed by quantile level: "0.01" … "0.99". */
  quantiles: Record<string, number | null>;
  /** USGS exceedance: "P90" = amount exceeded with probability 0.9 (= the 0.1 quantile). */
  exceedance: Record<string, number | null>;
}

export interface MomentCheckRow {
  quantity: string;
  statistic: "mean" | "variance" | string;
  simulated: number | null;
  predicted: number | null;
  se: number | null;
  z: number | null;
}

export interface MomentCheck {
  passed: boolean;
  max_abs_z: number | null;
  z_limit: number;
  expected_n?: number | null;
  variance_n?: number | null;
  trials?: number;
  rows: MomentCheckRow[];
  correlation?: { pair: [string, string]; simulated: number | null; predicted: number | null }[];
  [key: string]: unknown;
}

export interface PmfSummary {
  method: string;
  mean: number | null;
  variance: number | null;
  sd?: number | null;
  mode: number | null;
  min: number;
  max: number;
  entropy: number | null;
  probabilities: number[];
  [key: string]: unknown;
}

export interface RunResult {
  trials: number;
  seed: number;
  quantities: string[];
  n_deposits_simulated: number;
  mean_n_deposits: number;
  statistics: Record<string, QuantityStatistics>;
  moment_check: MomentCheck | null;
  pmf: PmfSummary;
  gt_model: GtSummary;
  gt_fit: Record<string, unknown>;
  options: { tonnage_pdf: PdfChoice; grade_pdf: PdfChoice; truncate: boolean; joint: boolean };
  warnings: string[];
  elapsed_s: number;
  artefacts: string[];
}

export interface RunDetail extends RunSummary {
  inputs: {
    gt: { kind: string; query: Record<string, unknown> | null; sha256: string; summary: GtSummary; dropped?: DroppedSite[] };
    pmf: { kind: string; given: unknown; sha256: string };
  };
  parameters: { tonnage_pdf: PdfChoice; grade_pdf: PdfChoice; truncate: boolean; joint: boolean; trials: number; seed: number | null };
  result: RunResult | null;
  provenance: Record<string, unknown> | null;
}

export interface RunPmf {
  method: string;
  parameters: Record<string, unknown>;
  mean: number | null;
  variance: number | null;
  sd: number | null;
  mode: number | null;
  min: number;
  max: number;
  entropy: number | null;
  n: number[];
  probability: number[];
  /** exceedance[i] = P(N ≥ n[i]). */
  exceedance: number[];
}

export interface CcdfSeries {
  x: number[];
  /** p_exceed[i] = P(total ≥ x[i]). */
  p_exceed: number[];
  p_zero: number;
}

export interface RunCcdf {
  trials: number;
  quantities: Record<string, CcdfSeries>;
}

export interface DroppedSite {
  site_id: SiteId;
  name: string;
  reason: string;
}

export interface GtTableResponse {
  tonnage_name: string;
  elements: string[];
  deposits: (GtRow & { id: string; name: string })[];
  summary: GtSummary;
}

export interface GtFromKbResponse extends GtTableResponse {
  query: Record<string, unknown>;
  dropped: DroppedSite[];
  warnings: string[];
}

function sendJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal,
  });
}

function gtFromKbParams(query: GtFromKbQuery): URLSearchParams {
  const params = new URLSearchParams();
  const list = (v: string[] | string | null | undefined) => (Array.isArray(v) ? v.join(",") : (v ?? ""));
  params.set("commodity", query.commodity.join(","));
  for (const key of ["deposit_type", "country", "source"] as const) if (list(query[key])) params.set(key, list(query[key]));
  if (query.bbox) params.set("bbox", query.bbox.join(","));
  return params;
}

const RUNS = "/api/assessment/runs";

export const assessmentApi = {
  createRun: (request: RunRequest, signal?: AbortSignal) => sendJson<RunCreated>(RUNS, request, signal),
  runs: (limit = 100, offset = 0, signal?: AbortSignal) => getJson<RunList>(`${RUNS}?limit=${limit}&offset=${offset}`, signal),
  run: (id: number, signal?: AbortSignal) => getJson<RunDetail>(`${RUNS}/${id}`, signal),
  pmf: (id: number, signal?: AbortSignal) => getJson<RunPmf>(`${RUNS}/${id}/pmf`, signal),
  ccdf: (id: number, signal?: AbortSignal) => getJson<RunCcdf>(`${RUNS}/${id}/ccdf`, signal),
  gt: (id: number, signal?: AbortSignal) => getJson<GtTableResponse>(`${RUNS}/${id}/gt`, signal),
  totalsCsvUrl: (id: number) => `${RUNS}/${id}/totals.csv`,
  gtFromKb: (query: GtFromKbQuery, signal?: AbortSignal) =>
    getJson<GtFromKbResponse>(`/api/assessment/gt-from-kb?${gtFromKbParams(query)}`, signal),
};

// ---------------------------------------------------------------------------------------------------------------
// Geochemistry API (/api/geochem; documented in docs/api-geochem.md). Concentrations in ppm unless a name says
// otherwise; normalised values are dimensionless; missing values are null.

export interface GeochemReference {
  name: string;
  citation: string;
  doi?: string | null;
  kind?: string | null;
  units?: string | null;
  note?: string | null;
}

export interface GeochemReferences {
  default: string;
  items: GeochemReference[];
}

export type AssayUnit = "ppm" | "ppb" | "pct" | "g/t";

export interface GeochemDataset {
  id: number;
  name: string | null;
  organisation?: string;
  visibility?: Visibility | string;
  filename?: string | null;
  content_sha256?: string | null;
  created_at?: string | null;
  imported_at?: string | null;
  n_samples?: number | null;
  analytes?: Record<string, string>;
  units?: Record<string, string>;
  elements?: string[];
  ree?: string[];
  id_columns?: string[];
  label_column?: string | null;
  lon_column?: string | null;
  lat_column?: string | null;
  has_coordinates?: boolean;
  censoring?: Record<string, Record<string, number>>;
  all_censored?: string[];
  warnings?: string[];
  url?: string;
}

export interface GeochemDatasetList {
  total: number;
  items: GeochemDataset[];
}

export type GeochemRow = Record<string, string | number | boolean | null>;

export interface GeochemMetrics {
  dataset_id: number;
  normaliser: string;
  total: number;
  offset: number;
  limit: number;
  columns: string[];
  numeric_columns: string[];
  rows: GeochemRow[];
  metadata: Record<string, unknown>;
}

export interface GeochemNormalised {
  dataset_id: number;
  normaliser: string;
  citation?: string | null;
  doi?: string | null;
  elements: string[];
  samples: { row: number; label: string | null; values: Record<string, number | null> }[];
}

export interface GeochemQaqc {
  dataset_id: number;
  batches: Record<string, unknown>[];
  crm: Record<string, unknown>[];
  duplicates: Record<string, unknown>[];
  blanks: Record<string, unknown>[];
  counts?: Record<string, number>;
  metadata: Record<string, unknown>;
  run?: Record<string, unknown> | null;
  crm_points?: Record<string, unknown>[];
}

export interface GeochemSampleProperties {
  row: number;
  label: string | null;
  value: number | null;
  flag?: string;
}

export type GeochemSamples = FeatureCollection<Point, GeochemSampleProperties> & {
  metric: string;
  normaliser?: string;
  numberMatched?: number;
  excluded?: number;
};

export interface GeochemUpload {
  file: File;
  name?: string;
  /** Unit of every analyte column without one. */
  units?: AssayUnit | "";
  visibility?: Visibility;
  sheet?: string;
}

function sendForm<T>(url: string, form: FormData, signal?: AbortSignal): Promise<T> {
  return request<T>(url, { method: "POST", body: form, signal });
}

const GEOCHEM = "/api/geochem";
const gq = (params: Record<string, string | number | undefined | null>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const q = p.toString();
  return q ? `?${q}` : "";
};

export const geochemApi = {
  references: (signal?: AbortSignal) => getJson<GeochemReferences>(`${GEOCHEM}/references`, signal),
  datasets: (limit = 100, offset = 0, signal?: AbortSignal) =>
    getJson<GeochemDatasetList>(`${GEOCHEM}/datasets${gq({ limit, offset })}`, signal),
  dataset: (id: number, signal?: AbortSignal) => getJson<GeochemDataset>(`${GEOCHEM}/datasets/${id}`, signal),
  upload: (upload: GeochemUpload, signal?: AbortSignal) => {
    const form = new FormData();
    form.append("file", upload.file, upload.file.name);
    if (upload.name) form.append("name", upload.name);
    if (upload.units) form.append("units", upload.units);
    if (upload.visibility) form.append("visibility", upload.visibility);
    if (upload.sheet) form.append("sheet", upload.sheet);
    return sendForm<GeochemDataset>(`${GEOCHEM}/datasets`, form, signal);
  },
  metrics: (id: number, normalise: string, signal?: AbortSignal, limit = 10_000, offset = 0) =>
    getJson<GeochemMetrics>(`${GEOCHEM}/datasets/${id}/metrics${gq({ normalise, limit, offset })}`, signal),
  metricsCsvUrl: (id: number, normalise: string) => `${GEOCHEM}/datasets/${id}/metrics${gq({ normalise, format: "csv", limit: 100_000 })}`,
  normalised: (id: number, normalise: string, samples: number[], signal?: AbortSignal) =>
    getJson<GeochemNormalised>(`${GEOCHEM}/datasets/${id}/normalised${gq({ normalise, samples: samples.join(",") })}`, signal),
  qaqc: (id: number, include: string[] = ["crm_points"], signal?: AbortSignal) =>
    getJson<GeochemQaqc>(`${GEOCHEM}/datasets/${id}/qaqc${gq({ include: include.join(",") })}`, signal),
  samples: (id: number, metric: string, normalise: string, signal?: AbortSignal) =>
    getJson<GeochemSamples>(`${GEOCHEM}/datasets/${id}/samples.geojson${gq({ metric, normalise })}`, signal),
  reeSvgUrl: (id: number, normalise: string, samples: number[]) =>
    `${GEOCHEM}/datasets/${id}/plots/ree.svg${gq({ normalise, samples: samples.join(",") })}`,
};
