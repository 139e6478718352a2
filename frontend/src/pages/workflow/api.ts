// Client of /api/workflows (the rock-to-supply workflow run as a job; see the router's docstring). A refused
// request becomes a WorkflowApiError carrying the HTTP status and the problem document's `detail` (which names the
// offending key, e.g. "column 'supply.demand_t': … is outside [1e-09, inf]").

export type RunStatus = "queued" | "running" | "done" | "failed";
export type StepKey = "tract" | "resource" | "economic_filter" | "project" | "supply";
export const STEP_KEYS: StepKey[] = ["tract", "resource", "economic_filter", "project", "supply"];

export interface WorkflowDocument {
  workflow: { name?: string; seed?: number; horizon_years?: number; draws?: number };
  tract: { name?: string; polygon?: [number, number][]; deposits?: string; deposit_types?: string[] };
  resource: {
    gt?: string;
    grade?: string;
    trials?: number;
    ndpr_fraction?: number;
    ndpr_source?: string;
    deposit_number?: { method?: string; model?: string };
  };
  economic_filter: {
    prices_usd_per_t?: Record<string, number>;
    mill_recoveries?: Record<string, number>;
    mill?: string;
    geometry?: string;
  };
  project: {
    template?: string;
    representative?: string;
    recovery?: number;
    capex_exponent?: number;
    max_annual_output?: number;
    montecarlo_draws?: number;
  };
  supply: {
    commodity?: string;
    basis?: string;
    stages?: string[];
    partner?: string;
    demand_t?: number;
    demand_source?: string;
    disruption?: { countries?: string[]; fraction?: number; import_share?: number; import_share_source?: string };
  };
}

export interface WorkflowExample {
  name: string;
  title: string;
  document: WorkflowDocument;
}

export interface StepState {
  status: string;
  message: string;
  cached: boolean;
}

/** P90 is exceeded with probability 0.9 (the 10th percentile); P10 the 90th. */
export interface Exceedance {
  p90: number;
  p50: number;
  p10: number;
  mean: number;
  prob_zero?: number;
}

export interface Band {
  mean: number[];
  q10: number[];
  q50: number[];
  q90: number[];
}

export interface StageImpact {
  before: { hhi: number; hhi_wgi: number; top1_share: number; project_share?: number; country_share?: number };
  after: { hhi: Band; hhi_wgi: Band; top1_share: Band; project_share: Band };
  base?: { base_year?: number; source?: string; notes?: string[] };
  partner?: { country: string; demand_t: number; domestic_t?: number; import_reliance_before: number; import_reliance_after: Band };
  disruption?: {
    countries?: string[];
    fraction?: number;
    import_share?: number;
    shortfall_t_before: number;
    shortfall_t_after: Band;
  };
  geopolrisk?: {
    import_shares: Record<string, number>;
    before: { hhi: number; import_risk: number; geopolrisk: number };
    after: { hhi: Band; import_risk: Band; geopolrisk: Band };
  };
}

export interface WorkflowResult {
  tract: {
    name: string;
    geometry: import("geojson").Polygon | import("geojson").MultiPolygon;
    area_km2: number;
    known_deposits: number;
    deposits: { name: string; lon: number; lat: number; deposit_type: string; site_id: number | string }[];
    bounds: [number, number, number, number];
    method?: string;
  };
  resource: {
    grade: string;
    trials?: number;
    pmf: { mean: number; support: number[]; probabilities: number[]; method?: string };
    contained_t: Exceedance;
    ndpr?: { fraction: number; contained_t: Exceedance; source?: string };
    deposit_number: {
      method: string;
      estimate?: { undiscovered_n90?: number; undiscovered_n50?: number; undiscovered_n10?: number; model?: string; known_deposits?: number };
    };
  };
  economic_filter: {
    fraction_economic: number;
    p_any_economic: number;
    recovered_t: Exceedance;
    representative: { ore_t: number; grade_pct: number; recovered_t: number; mine_method?: string; rule?: string };
  };
  project: {
    kind: string;
    annual_output: number;
    life_years: number;
    first_year?: number;
    scaling: { capex: number; [key: string]: unknown };
    document?: {
      price?: { flat?: number; source?: string };
      costs?: { opex_per_unit?: number; capex?: number };
      valuation?: { discount_rate?: number };
      ownership?: { equity_share?: number };
    };
    evaluation: { npv: number; irr: number | null; currency: string; discount_rate?: number; attributable?: { npv: number; irr: number | null } };
    montecarlo: { summary: { p90: number; p50: number; p10: number; mean: number; prob_negative: number }; histogram: { counts: number[]; edges: number[] } };
  };
  supply: {
    years: number[];
    prob_built: number;
    prob_producing: number[];
    added_t: Band;
    partner?: string;
    stages: Record<string, StageImpact>;
  };
}

export interface WorkflowRunSummary {
  id: number;
  name: string;
  status: RunStatus;
  progress: number;
  message: string | null;
  rerun_of: number | null;
  steps: Partial<Record<StepKey, StepState>>;
  result_sha256: string | null;
  created_at?: string;
}

export interface WorkflowRun extends WorkflowRunSummary {
  document: WorkflowDocument;
  result: WorkflowResult | null;
  provenance: Record<string, unknown> | null;
}

export interface RunAccepted {
  id: number;
  status: string;
  url: string;
}

export interface Provenance {
  run_id: number;
  rerun_of: number | null;
  result_sha256: string;
  identical_to_original?: boolean;
  record: Record<string, unknown>;
}

export interface RunOverrides {
  workflow?: Record<string, unknown>;
  tract?: Record<string, unknown>;
  resource?: Record<string, unknown>;
  economic_filter?: Record<string, unknown>;
  project?: Record<string, unknown>;
  supply?: Record<string, unknown>;
}

export class WorkflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "WorkflowApiError";
  }
}

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { Accept: "application/json", ...((init.headers as Record<string, string>) ?? {}) } });
  if (!response.ok) {
    let detail = response.statusText || `HTTP ${response.status}`;
    try {
      const body = await response.json();
      detail = typeof body?.detail === "string" ? body.detail : JSON.stringify(body?.detail ?? body);
    } catch {
      /* keep the status text */
    }
    throw new WorkflowApiError(response.status, detail);
  }
  return (await response.json()) as T;
}

// POSTs go through window.fetch, which session.ts wraps to add the CSRF token of a signed-in user.
function post<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return call<T>(url, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" }, signal });
}

const BASE = "/api/workflows";

export const workflowApi = {
  examples: (signal?: AbortSignal) => call<{ items: WorkflowExample[] }>(`${BASE}/examples`, { signal }),
  runs: (limit = 20, signal?: AbortSignal) => call<{ total: number; items: WorkflowRunSummary[] }>(`${BASE}/runs?limit=${limit}`, { signal }),
  run: (id: number, signal?: AbortSignal) => call<WorkflowRun>(`${BASE}/runs/${id}`, { signal }),
  submit: (example: string, overrides: RunOverrides, signal?: AbortSignal, prospectivityRun: number | null = null) =>
    post<RunAccepted>(`${BASE}/runs`, { example, overrides, visibility: "public",
      ...(prospectivityRun !== null ? { prospectivity_run: prospectivityRun } : {}) }, signal),
  rerun: (id: number, signal?: AbortSignal) => post<RunAccepted>(`${BASE}/runs/${id}/rerun`, {}, signal),
  provenance: (id: number, signal?: AbortSignal) => call<Provenance>(`${BASE}/runs/${id}/provenance`, { signal }),
  provenanceUrl: (id: number) => `${BASE}/runs/${id}/provenance`,
  reportPdfUrl: (id: number) => `${BASE}/runs/${id}/report.pdf`,
  reportHtmlUrl: (id: number) => `${BASE}/runs/${id}/report.html`,
};

/** The text shown for a refused request: the service's detail, with a sign-in hint for 401/403. */
export function errorText(error: unknown): string {
  if (error instanceof WorkflowApiError) {
    if (error.status === 401) return `${error.detail} — sign in (top right) to run workflows.`;
    if (error.status === 403) return `${error.detail} — your account may not run workflows here.`;
    return error.detail;
  }
  return error instanceof Error ? error.message : String(error);
}
