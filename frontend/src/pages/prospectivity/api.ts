// Client of /api/prospectivity (service/routers/prospectivity.py): runs, overviews, deposits.
import type { FeatureCollection, Point } from "geojson";

export type ProspectRunStatus = "queued" | "running" | "done" | "failed";

export interface ProspectRunSummary {
  id: number;
  name: string;
  model: string;
  status: ProspectRunStatus;
  progress: number;
  message: string | null;
  created_at: string | null;
}

export interface WeightRow {
  class: number;
  area_km2: number;
  deposits: number;
  w_plus: number | null;
  w_minus: number | null;
  contrast: number | null;
  studentized_contrast: number | null;
  generalized_class?: number | null;
  generalized_weight?: number | null;
  flag: string | null;
}

export interface ValidationResult {
  auc: number;
  background: string;
  efficiency_of_classification: number;
  pa_intersection: { threshold: number; prediction_rate_pct: number; area_pct: number };
  n_deposits: number;
  n_background: number;
}

export interface ProspectRunDetail extends ProspectRunSummary {
  parameters: { unit_cell_km2: number; count: string };
  result: null | {
    layers: string[];
    weights: { rows: WeightRow[]; summary: { layer: string; weights_type: string; prior_probability: number } }[];
    response: {
      prior_probability: number;
      ci_test: { n_observed: number; t_predicted: number; s_t: number; ratio_n_over_t: number; p_value: number; passes_95: boolean };
    };
    validation: Record<string, ValidationResult>;
  };
  provenance: Record<string, unknown> | null;
  rasters: string[];
}

export interface Overview {
  bounds: [number, number, number, number];
  min: number;
  max: number;
  png: string;
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const body = await response.json();
      detail = typeof body?.detail === "string" ? body.detail : JSON.stringify(body);
    } catch {
      /* keep statusText */
    }
    throw new Error(`${url}: HTTP ${response.status} — ${detail}`);
  }
  return (await response.json()) as T;
}

const BASE = "/api/prospectivity";

export const prospectApi = {
  runs: (signal?: AbortSignal) => getJson<{ total: number; items: ProspectRunSummary[] }>(`${BASE}/runs`, signal),
  run: (id: number, signal?: AbortSignal) => getJson<ProspectRunDetail>(`${BASE}/runs/${id}`, signal),
  overview: (id: number, name: string, signal?: AbortSignal) =>
    getJson<Overview>(`${BASE}/runs/${id}/overview/${name}.json`, signal),
  deposits: (id: number, signal?: AbortSignal) => getJson<FeatureCollection<Point>>(`${BASE}/runs/${id}/deposits`, signal),
  validationPng: (id: number) => `${BASE}/runs/${id}/validation.png`,
  raster: (id: number, name: string) => `${BASE}/runs/${id}/rasters/${name}.tif`,
};
